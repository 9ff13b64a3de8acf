// The platform's namespaces, for every test file.
global using Orleans.VNeID.Accounts;
global using Orleans.VNeID.Dossiers;
global using Orleans.VNeID.Errors;
global using Orleans.VNeID.Identity;
global using Orleans.VNeID.OfficeDesk;
global using Orleans.VNeID.Platform;
global using Orleans.VNeID.Security;
global using Orleans.VNeID.ServiceDefaults;
