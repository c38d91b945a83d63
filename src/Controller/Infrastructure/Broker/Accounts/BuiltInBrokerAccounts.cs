using SmartLoudspeaker.Controller.Infrastructure.Mqtt;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;

/// <summary>
/// Puts the accounts every installation has into the directory before the broker starts: the Controller's (its
/// username and password, <see cref="ControllerBrokerCredentials"/>), the technicians' read-only <c>observer</c> and the
/// public enrolment account (<c>enrol</c>, password <c>enrol</c>). Node accounts come from enrolment.
/// </summary>
internal sealed class BuiltInBrokerAccounts : IHostedService
{
    /// <summary>The observer account's username.</summary>
    public const string ObserverUsername = "observer";

    /// <summary>The enrolment account's username; its password is the same word, public on purpose.</summary>
    public const string EnrolmentUsername = "enrol";

    private readonly BrokerAccountDirectory _directory;
    private readonly ControllerBrokerCredentials _controller;
    private readonly BrokerSecrets _secrets;
    private readonly ILogger<BuiltInBrokerAccounts> _logger;

    public BuiltInBrokerAccounts(
        BrokerAccountDirectory directory, ControllerBrokerCredentials controller, BrokerSecrets secrets, ILogger<BuiltInBrokerAccounts> logger)
    {
        _directory = directory;
        _controller = controller;
        _secrets = secrets;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _directory.Put(new BrokerAccount(_controller.Username, BrokerAccountKind.Controller, BrokerPasswordHash.Create(_controller.Password), []));
        _directory.Put(new BrokerAccount(ObserverUsername, BrokerAccountKind.Observer, BrokerPasswordHash.Create(_secrets.ObserverPassword), []));
        _directory.Put(new BrokerAccount(EnrolmentUsername, BrokerAccountKind.Enrolment, BrokerPasswordHash.Create(EnrolmentUsername), []));
        _logger.LogInformation(
            "Broker accounts ready: the Controller as {Controller}; technicians observe as {Observer} (password in {SecretsFile}, or GET /api/broker/observer)",
            _controller.Username, ObserverUsername, _secrets.Path);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
