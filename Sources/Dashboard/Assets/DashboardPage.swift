/// The page's markup: structure and the labels' keys (`data-i18n`); the script fills in the words and the data.
enum DashboardPage {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>aiscreen</title>
        <link rel="stylesheet" href="/dashboard.css">
        <script src="/dashboard.js" defer></script>
        </head>
        <body>
        <header>
          <h1 id="title" data-i18n="title">AI tool screenings</h1>
          <div id="status-line"><span id="ready" class="badge"></span> <span id="live" class="badge"></span></div>
          <nav aria-label="language">
            <button type="button" id="lang-da" lang="da">Dansk</button>
            <button type="button" id="lang-en" lang="en">English</button>
          </nav>
        </header>
        <main>
          <section id="counts">
            <h2 data-i18n="counts">Screenings</h2>
            <label><span data-i18n="period">Period</span>
              <select id="period">
                <option value="7" data-i18n="days7">Last 7 days</option>
                <option value="30" selected data-i18n="days30">Last 30 days</option>
                <option value="90" data-i18n="days90">Last 90 days</option>
                <option value="365" data-i18n="days365">Last 12 months</option>
              </select>
            </label>
            <p id="truncated" hidden data-i18n="truncated">Counts cover the newest screenings only.</p>
            <table id="by-verdict"><thead><tr><th data-i18n="verdict">Verdict</th><th data-i18n="count">Count</th></tr></thead><tbody></tbody></table>
            <table id="by-department"><thead><tr><th data-i18n="department">Department</th><th data-i18n="total">Total</th><th data-i18n="v.approved">Approved</th><th data-i18n="v.approved-with-conditions">Approved with conditions</th><th data-i18n="v.needs-review">Needs review</th><th data-i18n="v.rejected">Rejected</th></tr></thead><tbody></tbody></table>
          </section>
          <section id="latest-section">
            <h2 data-i18n="latest">Latest screenings</h2>
            <table id="latest"><thead><tr><th data-i18n="time">Time (UTC)</th><th data-i18n="tool">Tool</th><th data-i18n="department">Department</th><th data-i18n="verdict">Verdict</th><th data-i18n="packs">Packs</th><th data-i18n="request">Request id</th></tr></thead><tbody></tbody></table>
          </section>
          <section id="packs-section">
            <h2 data-i18n="packsActive">Packs and workers</h2>
            <table id="packs"><thead><tr><th data-i18n="pack">Pack</th><th data-i18n="version">Version</th><th data-i18n="workers">Workers</th><th data-i18n="queued">Queued</th></tr></thead><tbody></tbody></table>
          </section>
          <section id="calendar-section">
            <h2 data-i18n="calendar">Conditions coming due</h2>
            <table id="calendar"><thead><tr><th data-i18n="dueDate">From</th><th data-i18n="tool">Tool</th><th data-i18n="department">Department</th><th data-i18n="condition">What must be done</th></tr></thead><tbody></tbody></table>
          </section>
        </main>
        <noscript><p>This page needs JavaScript; the same data is at /api/screenings, /api/summary, /api/conditions and /api/status.</p></noscript>
        </body>
        </html>
        """#
}
