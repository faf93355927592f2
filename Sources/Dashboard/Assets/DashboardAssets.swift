/// The dashboard page and its script and style sheet, compiled into the binary (the machine has no internet, and
/// no build step is needed). The script shows every piece of data with `textContent`, never as markup, and the
/// server's Content-Security-Policy allows no inline script: a department or tool name is always text.
public enum DashboardAssets {
    /// `GET /`.
    public static let html = DashboardPage.html
    /// `GET /dashboard.js`.
    public static let script = DashboardScript.text
    /// `GET /dashboard.css`.
    public static let style = DashboardStyle.text
}
