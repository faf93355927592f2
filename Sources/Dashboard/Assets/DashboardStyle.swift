/// The page's style sheet: plain CSS, printable.
enum DashboardStyle {
    static let text = #"""
        body { font-family: system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #f6f6f4; }
        header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: 0.8rem 1.2rem; background: #003c64; color: #fff; }
        header h1 { font-size: 1.3rem; margin: 0; flex: 1; }
        nav button { font: inherit; padding: 0.25rem 0.7rem; border: 1px solid #fff; background: transparent; color: #fff; cursor: pointer; }
        nav button[aria-pressed="true"] { background: #fff; color: #003c64; }
        main { display: grid; grid-template-columns: repeat(auto-fit, minmax(28rem, 1fr)); gap: 1rem; padding: 1rem; }
        section { background: #fff; padding: 0.8rem 1rem; border-radius: 4px; box-shadow: 0 1px 2px rgba(0,0,0,.1); overflow-x: auto; }
        h2 { font-size: 1.05rem; margin: 0 0 0.6rem; }
        table { border-collapse: collapse; width: 100%; margin: 0.4rem 0; font-size: 0.9rem; }
        th, td { text-align: left; padding: 0.25rem 0.5rem; border-bottom: 1px solid #e2e2e2; vertical-align: top; }
        td.number, th.number { text-align: right; }
        .badge { font-size: 0.85rem; padding: 0.1rem 0.5rem; border-radius: 3px; background: #666; }
        .badge.ok { background: #1d7a3a; } .badge.bad { background: #b3261e; }
        .verdict-approved { color: #1d7a3a; } .verdict-approved-with-conditions { color: #5c6b00; }
        .verdict-needs-review { color: #9a5b00; } .verdict-rejected { color: #b3261e; font-weight: 600; }
        tr.new { animation: arrive 2s ease-out; }
        @keyframes arrive { from { background: #fff4b3; } to { background: transparent; } }
        @media print { header nav, #period { display: none; } main { display: block; } section { box-shadow: none; } }
        """#
}
