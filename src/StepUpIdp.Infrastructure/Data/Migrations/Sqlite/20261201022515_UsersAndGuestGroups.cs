using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StepUpIdp.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UsersAndGuestGroups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ReadOnlySpaces",
                table: "GroupAppRoles",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "Spaces",
                table: "GroupAppRoles",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DeactivatedAt",
                table: "Accounts",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ReadOnlySpaces",
                table: "GroupAppRoles");

            migrationBuilder.DropColumn(
                name: "Spaces",
                table: "GroupAppRoles");

            migrationBuilder.DropColumn(
                name: "DeactivatedAt",
                table: "Accounts");
        }
    }
}
