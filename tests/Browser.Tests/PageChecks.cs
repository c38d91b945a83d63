using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>What every page test checks the same way: it fits a phone, it is translated, it is accessible, the policy blocks none of it.</summary>
internal static class PageChecks
{
    /// <summary>The phone's width, as the fixtures' contexts have it.</summary>
    public const int PhoneWidth = 360;

    /// <summary>Nothing wider than the phone: no sideways scrolling (a long fingerprint, token or address would cause it).</summary>
    public static async Task AssertFitsAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        Assert.InRange(await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), 1, PhoneWidth);
    }

    /// <summary>No text key without a translation (the localizer writes those as ⟦missing:…⟧).</summary>
    public static void AssertTranslated(string body) => Assert.DoesNotContain("⟦missing:", body, StringComparison.Ordinal);

    /// <summary>
    /// A script every page of the phone contexts starts with (<see cref="PhoneBrowser"/>): it keeps each
    /// Content-Security-Policy violation the page reports (an inline script, style attribute or handler the policy
    /// blocked), so <see cref="AssertNoPolicyViolationsAsync"/> can fail on them. Playwright adds it outside the page's
    /// policy, so the policy cannot block the recorder itself.
    /// </summary>
    public const string RecordPolicyViolations =
        "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', function (e) { "
        + "window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber + ' ' + (e.sample || '')); });";

    /// <summary>Fails when the page reported a Content-Security-Policy violation since it loaded (the policy blocked part of it).</summary>
    public static async Task AssertNoPolicyViolationsAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var violations = await page.EvaluateAsync<string[]?>("window.__cspViolations || null");
        Assert.NotNull(violations);
        Assert.True(violations.Length == 0, "Content-Security-Policy violations: " + string.Join("\n", violations));
    }

    /// <summary>
    /// Runs axe in the page and fails on any serious or critical violation, after writing every violation to
    /// <paramref name="output"/>. axe is a script: on a page opened with script off its run never settles, and
    /// Playwright's evaluate has no timeout of its own, so the run is bounded here and fails instead of hanging.
    /// </summary>
    public static async Task AssertAccessibleAsync(IPage page, ITestOutputHelper output, string label)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(output);

        // Every page checked for accessibility is checked against the policy too: a blocked inline part is broken.
        await AssertNoPolicyViolationsAsync(page);
        var result = await page.RunAxe().WaitAsync(Eventually.Timeout);
        foreach (var violation in result.Violations)
        {
            output.WriteLine($"{label}: {violation.Impact} {violation.Id}: {violation.Help} ({violation.Nodes.Length} elements)");
        }

        var serious = result.Violations.Where(violation => violation.Impact is "serious" or "critical").ToArray();
        Assert.True(serious.Length == 0, string.Join("\n", serious.Select(Describe)));
    }

    private static string Describe(AxeResultItem violation) =>
        $"{violation.Impact} {violation.Id}: {violation.Help} — {string.Join("; ", violation.Nodes.Select(node => node.Html))}";
}
