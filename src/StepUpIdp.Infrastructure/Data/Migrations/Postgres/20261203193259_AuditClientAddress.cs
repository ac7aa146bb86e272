using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StepUpIdp.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditClientAddress : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ClientAddress",
                table: "AuditEntries",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ClientAddress",
                table: "AuditEntries");
        }
    }
}
