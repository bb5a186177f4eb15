// GOV.UK Frontend's "JavaScript is on" classes, set as the body starts (a blocking script), so components never
// flash their no-JavaScript look. A file, not an inline script, so the Content-Security-Policy forbids inline ones.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
