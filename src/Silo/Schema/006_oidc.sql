-- The OpenID Connect provider's store (OpenIddict's entities on EF Core, mapped by OidcDbContext to this schema):
-- relying parties (applications), authorizations, scopes and tokens. Column names and types are the ones OidcDbContext's
-- model maps (generated from the model with EF Core's GenerateCreateScript, then made idempotent).
create schema if not exists oidc;

create table if not exists oidc."OpenIddictApplications" (
    "Id" text not null,
    "ApplicationType" character varying(50),
    "ClientId" character varying(100),
    "ClientSecret" text,
    "ClientType" character varying(50),
    "ConcurrencyToken" character varying(50),
    "ConsentType" character varying(50),
    "DisplayName" text,
    "DisplayNames" text,
    "JsonWebKeySet" text,
    "Permissions" text,
    "PostLogoutRedirectUris" text,
    "Properties" text,
    "RedirectUris" text,
    "Requirements" text,
    "Settings" text,
    constraint "PK_OpenIddictApplications" primary key ("Id")
);

create table if not exists oidc."OpenIddictScopes" (
    "Id" text not null,
    "ConcurrencyToken" character varying(50),
    "Description" text,
    "Descriptions" text,
    "DisplayName" text,
    "DisplayNames" text,
    "Name" character varying(200),
    "Properties" text,
    "Resources" text,
    constraint "PK_OpenIddictScopes" primary key ("Id")
);

create table if not exists oidc."OpenIddictAuthorizations" (
    "Id" text not null,
    "ApplicationId" text,
    "ConcurrencyToken" character varying(50),
    "CreationDate" timestamp with time zone,
    "Properties" text,
    "Scopes" text,
    "Status" character varying(50),
    "Subject" character varying(400),
    "Type" character varying(50),
    constraint "PK_OpenIddictAuthorizations" primary key ("Id"),
    constraint "FK_OpenIddictAuthorizations_OpenIddictApplications_Application~" foreign key ("ApplicationId")
        references oidc."OpenIddictApplications" ("Id")
);

create table if not exists oidc."OpenIddictTokens" (
    "Id" text not null,
    "ApplicationId" text,
    "AuthorizationId" text,
    "ConcurrencyToken" character varying(50),
    "CreationDate" timestamp with time zone,
    "ExpirationDate" timestamp with time zone,
    "Payload" text,
    "Properties" text,
    "RedemptionDate" timestamp with time zone,
    "ReferenceId" character varying(100),
    "Status" character varying(50),
    "Subject" character varying(400),
    "Type" character varying(150),
    constraint "PK_OpenIddictTokens" primary key ("Id"),
    constraint "FK_OpenIddictTokens_OpenIddictApplications_ApplicationId" foreign key ("ApplicationId")
        references oidc."OpenIddictApplications" ("Id"),
    constraint "FK_OpenIddictTokens_OpenIddictAuthorizations_AuthorizationId" foreign key ("AuthorizationId")
        references oidc."OpenIddictAuthorizations" ("Id")
);

create unique index if not exists "IX_OpenIddictApplications_ClientId" on oidc."OpenIddictApplications" ("ClientId");
create index if not exists "IX_OpenIddictAuthorizations_ApplicationId_Status_Subject_Type"
    on oidc."OpenIddictAuthorizations" ("ApplicationId", "Status", "Subject", "Type");
create unique index if not exists "IX_OpenIddictScopes_Name" on oidc."OpenIddictScopes" ("Name");
create index if not exists "IX_OpenIddictTokens_ApplicationId_Status_Subject_Type"
    on oidc."OpenIddictTokens" ("ApplicationId", "Status", "Subject", "Type");
create index if not exists "IX_OpenIddictTokens_AuthorizationId" on oidc."OpenIddictTokens" ("AuthorizationId");
create unique index if not exists "IX_OpenIddictTokens_ReferenceId" on oidc."OpenIddictTokens" ("ReferenceId");
