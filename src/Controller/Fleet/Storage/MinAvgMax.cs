namespace SmartLoudspeaker.Controller.Fleet.Storage;

/// <summary>Minimum, mean and maximum of one health figure over an hour.</summary>
internal sealed record MinAvgMax(double Min, double Avg, double Max)
{
    /// <summary>Null when no report carried the figure (a node without a temperature sensor, a wired link).</summary>
    public static MinAvgMax? Of(IEnumerable<double> values)
    {
        double min = double.MaxValue, max = double.MinValue, sum = 0;
        var count = 0;
        foreach (var value in values)
        {
            min = Math.Min(min, value);
            max = Math.Max(max, value);
            sum += value;
            count++;
        }

        return count == 0 ? null : new MinAvgMax(min, sum / count, max);
    }
}
