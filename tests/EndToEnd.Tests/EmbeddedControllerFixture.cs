namespace SmartLoudspeaker.EndToEnd.Tests;

/// <summary>
/// One real Controller with its embedded broker, shared by a test class whose tests each bring their own nodes (with
/// ids of their own, so one test's nodes never stand in for another's).
/// </summary>
public sealed class EmbeddedControllerFixture : IDisposable
{
    private readonly string dataPath = Directory.CreateTempSubdirectory("sl-e2e-controller-").FullName;

    public EmbeddedControllerFixture() => Controller = ControllerUnderTest.WithEmbeddedBroker(dataPath);

    internal ControllerUnderTest Controller { get; }

    public void Dispose()
    {
        Controller.Dispose();
        Directory.Delete(dataPath, recursive: true);
    }
}
