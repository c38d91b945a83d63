namespace SmartLoudspeaker.Controller.Fleet.Api;

/// <summary>Minimum, mean and maximum of one health figure over an hour.</summary>
public sealed record FigureRange(double Min, double Avg, double Max);
