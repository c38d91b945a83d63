using SmartLoudspeaker.Controller;
using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Accounts.Api;
using SmartLoudspeaker.Controller.Audit.Api;
using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Controller.Commune;
using SmartLoudspeaker.Controller.Commune.Api;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Hosting;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Controller.Security;
using SmartLoudspeaker.Controller.Web;
using SmartLoudspeaker.Controller.Web.Exposure;

// "keys …" runs the offline root's key tool instead of the Controller (docs/security.md, "Keys").
if (KeyCommandLine.Handles(args))
{
    return KeyCommandLine.Run(args, Console.Out, Console.Error, TimeProvider.System);
}

// "accounts …" makes the first admin or an API token on the Controller's machine (docs/security.md, "Accounts and roles").
if (AccountCommandLine.Handles(args))
{
    return await AccountCommandLine.RunAsync(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSystemd();
builder.AddSmartLoudspeakerController();
builder.AddControllerSecurity();
builder.AddControllerCommands();
builder.AddSmartLoudspeakerWeb();
builder.AddControllerExposure();
builder.AddControllerAccounts();
builder.AddCommuneSettings();

var app = builder.Build();

// An invalid setting ends the process with one line naming it, not a stack trace — when this Main is the process's
// own. WebApplicationFactory runs it inside a test process and learns of a failed start from the exception instead.
if (System.Reflection.Assembly.GetEntryAssembly() == typeof(Program).Assembly
    && SettingsCheck.FindInvalidSettings(app.Services, app.Configuration) is { Count: > 0 } invalid)
{
    await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, invalid));
    return ControllerExitCodes.InvalidSetting;
}

// One route group per user's job, each with that job's role policy; everyone's own account; operations and the shared
// web UI (layout, languages, error pages, sign-in) belong to no job.
app.MapTechnicianEndpoints();
app.MapAccountApi();
app.MapAuditApi();
app.MapSettingsApi();
app.MapOperationsEndpoints();
app.MapSmartLoudspeakerWeb();

// A start-up failure (broker port in use, invalid configuration) is logged with its fix and ends the process with a
// non-zero code. It is not caught here: WebApplicationFactory learns of a failed start from this exception. The
// exceptions are the store's refusals, each with its own exit code: a store from a newer schema and a store file this
// user may not open (restarting cannot help: the systemd unit lists both in RestartPreventExitStatus=), and a store
// another Controller holds (systemd tries again after RestartSec, by when the holder may have gone).
try
{
    app.Run();
}
catch (Exception exception) when (StoreRefusal(exception) is { } refusal)
{
    await Console.Error.WriteLineAsync($"crit: {refusal.Message}");
    return refusal switch
    {
        StoreInUseException => ControllerExitCodes.StoreInUse,
        StoreAccessDeniedException => ControllerExitCodes.StoreAccessDenied,
        _ => ControllerExitCodes.StoreSchemaTooNew,
    };
}

return 0;

static Exception? StoreRefusal(Exception? exception) => exception switch
{
    null => null,
    StoreSchemaTooNewException or StoreInUseException or StoreAccessDeniedException => exception,
    AggregateException aggregate => aggregate.InnerExceptions.Select(StoreRefusal).FirstOrDefault(found => found is not null),
    _ => StoreRefusal(exception.InnerException),
};

/// <summary>Entry point; public so tests can host the controller with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
