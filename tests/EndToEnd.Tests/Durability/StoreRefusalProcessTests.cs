using LiteDB;
using SmartLoudspeaker.Controller;
using SmartLoudspeaker.TestUtilities;

namespace SmartLoudspeaker.EndToEnd.Tests.Durability;

/// <summary>The real Controller process refuses a store it cannot use with the exit codes systemd is told not to restart on.</summary>
[Trait("Category", "Durability")]
public sealed class StoreRefusalProcessTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "sl-refusal-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_store_from_a_newer_controller_ends_the_process_with_exit_code_78_and_a_clear_message()
    {
        Directory.CreateDirectory(_data);
        using (var database = new LiteDatabase(new ConnectionString { Filename = Path.Combine(_data, "controller.db"), Connection = ConnectionType.Direct }))
        {
            database.GetCollection("meta").Upsert(new BsonDocument { ["_id"] = "schema", ["version"] = 99 });
        }

        await using var controller = ProgramProcess.Start(
            RepositoryPaths.ProgramAssembly("Controller", "SmartLoudspeaker.Controller"),
            [
                $"--Urls=http://127.0.0.1:{FreePort.Next()}",
                $"--Broker:Port={FreePort.Next()}",
                "--Broker:BindAddress=127.0.0.1",
                "--Broker:Tls:Port=0",
                $"--Store:DataDirectory={_data}",
            ]);
        await controller.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(controller.ExitCode == ControllerExitCodes.StoreSchemaTooNew, $"exit code {controller.ExitCode}:\n{controller.RecentOutput}");
        Assert.Contains("schema version 99", controller.RecentOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_lock_file_this_user_may_not_open_ends_the_process_with_exit_code_77_naming_the_file()
    {
        // Tests run as root, where no owner or mode refuses an open: a directory in the lock file's place fails the
        // open with the UnauthorizedAccessException a root-owned lock file gives the Controller's user.
        var lockPath = Path.Combine(_data, "controller.db.lock");
        Directory.CreateDirectory(lockPath);

        await using var controller = ControllerProgram.Start([.. ControllerProgram.AnyFreePorts, $"--Store:DataDirectory={_data}"]);
        await controller.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(controller.ExitCode == ControllerExitCodes.StoreAccessDenied, $"exit code {controller.ExitCode}:\n{controller.RecentOutput}");
        Assert.Contains($"may not open {lockPath}", controller.RecentOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_data, "controller.db")), "the store was not opened");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }
}
