using SmartLoudspeaker.Controller;
using SmartLoudspeaker.Controller.Api;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSystemd();
builder.AddSmartLoudspeakerController();

var app = builder.Build();
app.MapSmartLoudspeakerApi();

// A start-up failure (broker port in use, invalid configuration) is logged with its fix and ends the process with a
// non-zero code. It is not caught here: WebApplicationFactory learns of a failed start from this exception.
app.Run();

/// <summary>Entry point; public so tests can host the controller with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
