// The platform's namespaces, for every file of both test projects (linked from their project files).
global using Orleans.VNeID.Accounts;
global using Orleans.VNeID.Grains.Accounts;
global using Orleans.VNeID.Dossiers;
global using Orleans.VNeID.Grains.Dossiers;
global using Orleans.VNeID.Errors;
global using Orleans.VNeID.Identity;
global using Orleans.VNeID.OfficeDesk;
global using Orleans.VNeID.Grains.OfficeDesk;
global using Orleans.VNeID.Platform;
global using Orleans.VNeID.Security;
global using Orleans.VNeID.Grains.Security;
global using Orleans.VNeID.ServiceDefaults;
global using Orleans.VNeID.Tests;
