namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;

/// <summary>What a broker account may do (docs/security.md, "Broker access control").</summary>
public enum BrokerAccountKind
{
    /// <summary>The Controller's own client: publishes commands, event acknowledgements, keys, state, audio and media.</summary>
    Controller,

    /// <summary>An enrolled node: its own topics, its zones' and the fleet's downstream topics.</summary>
    Node,

    /// <summary>A technician's read-only account: subscribes anywhere under the tree, publishes nothing.</summary>
    Observer,

    /// <summary>The shared, publicly known enrolment account: may only ask to join and hear the answer.</summary>
    Enrolment,
}
