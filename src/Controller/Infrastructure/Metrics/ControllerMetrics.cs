using Prometheus;

namespace SmartLoudspeaker.Controller.Infrastructure.Metrics;

/// <summary>
/// The controller's Prometheus metrics, in a registry of its own: prometheus-net's static default registry would be
/// shared by every host in a test process and refuses a second metric of the same name with other labels.
/// </summary>
public sealed class ControllerMetrics
{
    /// <summary>Creates the metrics in a new registry.</summary>
    public ControllerMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        NodesByState = factory.CreateGauge("sl_fleet_nodes", "Known nodes by state.", "state");
        MessagesReceived = factory.CreateCounter(
            "sl_mqtt_messages_received_total", "Messages the controller received from nodes, by kind (topic level).", "kind");
        MessagesPublished = factory.CreateCounter(
            "sl_mqtt_messages_published_total", "Messages the controller published, by kind.", "kind");
        IngestRefused = factory.CreateCounter(
            "sl_ingest_refused_total", "Messages the controller received and refused, by reason.", "reason");
        BrokerRefused = factory.CreateCounter(
            "sl_broker_refused_total", "Publishes, connections, subscriptions and packets (a connection closed on its packet size or publish rate) the embedded broker refused, by reason.", "reason");
        IngestLag = factory.CreateHistogram(
            "sl_ingest_lag_seconds",
            "Controller receive time minus the message's timestamp (node clock); negative values count as 0.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 14), LabelNames = ["kind"] });
        MqttConnected = factory.CreateGauge("sl_mqtt_connected", "1 while the controller's MQTT client is connected.");
        StoreHealthy = factory.CreateGauge("sl_store_healthy", "1 while the store's last write batch succeeded.");
        StoreDamaged = factory.CreateGauge("sl_store_damaged", "1 when this run found the store file damaged and moved it aside.");
        StoreWriteFailures = factory.CreateCounter("sl_store_write_failures_total", "Write batches that failed (nothing in them was acknowledged).");
        StoreBatch = factory.CreateHistogram(
            "sl_store_batch_seconds",
            "Time from a write batch's start to its durability point.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });
        NodesByState.WithLabels("online").Set(0);
        NodesByState.WithLabels("offline").Set(0);
    }

    /// <summary>The registry <c>/metrics</c> exports.</summary>
    public CollectorRegistry Registry { get; }

    internal Gauge NodesByState { get; }

    internal Counter MessagesReceived { get; }

    internal Counter MessagesPublished { get; }

    internal Counter IngestRefused { get; }

    internal Counter BrokerRefused { get; }

    internal Histogram IngestLag { get; }

    internal Gauge MqttConnected { get; }

    internal Gauge StoreHealthy { get; }

    internal Gauge StoreDamaged { get; }

    internal Counter StoreWriteFailures { get; }

    internal Histogram StoreBatch { get; }
}
