namespace SmartLoudspeaker.Controller.Options;

/// <summary>Configuration section "Store": where the controller keeps its data.</summary>
public sealed class StoreOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Store";

    /// <summary>Folder for the LiteDB file (created when missing); relative paths are relative to the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Name of the LiteDB file inside <see cref="DataDirectory"/>.</summary>
    public string FileName { get; set; } = "controller.db";

    /// <summary>Health reports kept per node; older ones are trimmed (a day at the default 30 s heartbeat).</summary>
    public int HealthKeptPerNode { get; set; } = 2880;
}
