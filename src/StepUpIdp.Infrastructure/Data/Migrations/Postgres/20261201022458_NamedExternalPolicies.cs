using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StepUpIdp.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class NamedExternalPolicies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ExternalPolicies",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    OrganisationId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Scope = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Settings_Verification = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Settings_ReverifyEverySeconds = table.Column<long>(type: "bigint", nullable: false),
                    Settings_Methods = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Settings_RequireTwoStepVerification = table.Column<bool>(type: "boolean", nullable: false),
                    Settings_ApiTokens = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Settings_ApiTokenMaxLifetimeDays = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExternalPolicies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExternalPolicies_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ExternalPolicyDomains",
                columns: table => new
                {
                    OrganisationId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Domain = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: false),
                    PolicyId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExternalPolicyDomains", x => new { x.OrganisationId, x.Domain });
                    table.ForeignKey(
                        name: "FK_ExternalPolicyDomains_ExternalPolicies_PolicyId",
                        column: x => x.PolicyId,
                        principalTable: "ExternalPolicies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ExternalPolicyPilotAccounts",
                columns: table => new
                {
                    PolicyId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    AccountId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExternalPolicyPilotAccounts", x => new { x.PolicyId, x.AccountId });
                    table.ForeignKey(
                        name: "FK_ExternalPolicyPilotAccounts_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ExternalPolicyPilotAccounts_ExternalPolicies_PolicyId",
                        column: x => x.PolicyId,
                        principalTable: "ExternalPolicies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ExternalPolicies_OrganisationId",
                table: "ExternalPolicies",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_ExternalPolicyDomains_PolicyId",
                table: "ExternalPolicyDomains",
                column: "PolicyId");

            migrationBuilder.CreateIndex(
                name: "IX_ExternalPolicyPilotAccounts_AccountId",
                table: "ExternalPolicyPilotAccounts",
                column: "AccountId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ExternalPolicyDomains");

            migrationBuilder.DropTable(
                name: "ExternalPolicyPilotAccounts");

            migrationBuilder.DropTable(
                name: "ExternalPolicies");
        }
    }
}
