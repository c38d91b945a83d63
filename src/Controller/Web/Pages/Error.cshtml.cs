using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace SmartLoudspeaker.Controller.Web.Pages;

/// <summary>
/// What a person sees instead of a failure: a short explanation in their language and a way back, never a stack
/// trace. A program whose API request failed gets problem details instead. Reached by re-execution for any method,
/// so it takes no antiforgery token.
/// </summary>
[IgnoreAntiforgeryToken]
internal sealed class ErrorModel : PageModel
{
    public int Code { get; private set; }

    public IActionResult OnGet(int? code) => Show(code);

    public IActionResult OnPost(int? code) => Show(code);

    public IActionResult OnPut(int? code) => Show(code);

    public IActionResult OnDelete(int? code) => Show(code);

    private IActionResult Show(int? code)
    {
        Code = code is >= 400 and <= 599 ? code.Value : StatusCodes.Status500InternalServerError;
        Response.StatusCode = Code;
        var failedPath = HttpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path;
        return failedPath is not null && !PeopleRequests.Are(new PathString(failedPath))
            ? new ObjectResult(new ProblemDetails { Status = Code, Title = "Internal server error" }) { StatusCode = Code }
            : Page();
    }
}
