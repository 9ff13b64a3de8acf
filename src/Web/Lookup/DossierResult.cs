namespace Orleans.VNeID.Web.Lookup;

/// <summary>What the public look-up shows of a dossier: no personal data.</summary>
public sealed record DossierResult(string DossierCode, string Status, string AppointmentDate);
