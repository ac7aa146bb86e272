using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StepUpIdp.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AppSecretsAndOrigins : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AppOrigins",
                columns: table => new
                {
                    AppClientId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Origin = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AppOrigins", x => new { x.AppClientId, x.Origin });
                });

            migrationBuilder.CreateTable(
                name: "AppSecrets",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    AppClientId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    SecretHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    ExpiresAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AppSecrets", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AppOrigins_Origin",
                table: "AppOrigins",
                column: "Origin");

            migrationBuilder.CreateIndex(
                name: "IX_AppSecrets_AppClientId",
                table: "AppSecrets",
                column: "AppClientId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AppOrigins");

            migrationBuilder.DropTable(
                name: "AppSecrets");
        }
    }
}
