using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StepUpIdp.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class UsersAndGuestGroups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "ReadOnlySpaces",
                table: "GroupAppRoles",
                type: "text[]",
                nullable: false);

            migrationBuilder.AddColumn<List<string>>(
                name: "Spaces",
                table: "GroupAppRoles",
                type: "text[]",
                nullable: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DeactivatedAt",
                table: "Accounts",
                type: "timestamp with time zone",
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
