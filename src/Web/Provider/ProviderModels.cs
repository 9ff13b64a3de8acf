namespace Orleans.VNeID.Web.Provider;

/// <summary>One answer of the choice page: its value ("self", "child:ID", "organization:ID"), what it says, and a line of detail.</summary>
public sealed record ActingChoice(int Index, string Value, string Label, string Detail);
