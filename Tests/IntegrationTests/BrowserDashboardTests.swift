import Foundation
import RulesEngine
import Testing
import ZeroMQ

/// The dashboard page in Debian's Chromium (headless, Selenium with chromium-driver; Peers/browser.py).
@Suite(.serialized)
struct BrowserDashboardTests {
    static let chromiumInstalled = ["/usr/bin/chromium", "/usr/bin/chromedriver"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(
        .enabled(if: chromiumInstalled, "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver; scripts/setup does)"),
        .timeLimit(.minutes(3)))
    func aScreeningAppearsLiveInDanishAndItsDepartmentIsText() throws {
        let journal = NSTemporaryDirectory() + "aiscreen-browser-\(UUID().uuidString).sqlite"
        let screenshot = NSTemporaryDirectory() + "aiscreen-dashboard-\(UUID().uuidString).png"
        defer { for suffix in ["", "-wal", "-shm", ".lock", ".head"] { try? FileManager.default.removeItem(atPath: journal + suffix) } }
        let up = try Child(
            ["up", "--client", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*", "--journal", journal, "--http", "127.0.0.1:0"],
            captureStandardError: true)
        defer {
            up.kill(SIGTERM)
            _ = up.exitStatus(within: 10)
        }
        let ready = try JSONParser().parse(try up.line { $0.contains("\"ready\"") })
        let base = try #require(ready["http"]?.stringValue)
        let client = try #require(ready["client"]?.stringValue)
        let department = #"<script>window.pwned=1</script><img src=x onerror="alert(1)"> Børn & Unge"#
        let browser = try Child(
            [Repo.path("Tests/IntegrationTests/Peers/browser.py"), "--url", base + "/", "--request-id", "browser-1", "--department", department,
             "--screenshot", screenshot],
            executable: "python3", captureStandardError: true)
        defer { browser.kill() }
        _ = try browser.line(within: 40) { $0.contains("\"live\"") || $0.contains("\"error\"") || $0.contains("\"skip\"") }
        if let failure = browser.output.first(where: { $0.contains("\"error\"") || $0.contains("\"skip\"") }) {
            Issue.record("the browser could not open the page: \(failure) \(browser.errorOutput.suffix(5))")
            return
        }

        let context = try ZMQContext()
        defer { context.terminate() }
        let socket = try dealer(context, connectedTo: client)
        defer { socket.close() }
        let requester = Requester(socket: socket)
        try requester.send("browser-1", body: try exampleRequest("04-cv-screening-recruitment.json", id: "browser-1", department: department))
        let verdict = try #require(try requester.collect(["browser-1"])["browser-1"]?.first?.finalJSON?["verdict"]?.stringValue)
        #expect(verdict == "needs-review")

        #expect(browser.exitStatus(within: 60) == 0, "\(browser.output) \(browser.errorOutput.suffix(5))")
        let events = try browser.output.map { try JSONParser().parse($0) }
        let row = try #require(events.first { $0["event"] == .string("row") }, "\(browser.output)")
        #expect(row["department"] == .string(department), "the department is shown as the text it is")
        #expect(row["alert"] == .null, "no script ran")
        #expect(row["scripts"] == .int(0), "no element was made from the data")
        #expect(row["verdict"] == .string("Needs review"))
        #expect(row["reloaded"] == .int(1), "it arrived without a reload")
        let danish = try #require(events.first { $0["event"] == .string("danish") })
        #expect(danish["title"] == .string("Screening af AI-værktøjer"))
        #expect(danish["heading"] == .string("Seneste screeninger"))
        #expect(danish["verdict"] == .string("Kræver vurdering"))
        #expect(danish["department"] == .string(department))
        #expect(danish["live"] == .string("direkte"))
        let shot = try #require(events.first { $0["event"] == .string("screenshot") })
        if case .int(let bytes)? = shot["bytes"] { #expect(bytes > 10_000, "a real screenshot at \(screenshot)") } else { Issue.record("no screenshot") }

        // The MED report of the screening, in Danish, with the department as text.
        let report = try #require(events.first { $0["event"] == .string("report") }, "\(browser.output)")
        #expect(report["href"]?.stringValue?.hasSuffix("/screenings/browser-1?lang=da") == true)
        #expect(report["lang"] == .string("da"))
        #expect(report["kicker"]?.stringValue?.uppercased() == "MED-RAPPORT OM AI-VÆRKTØJ")
        #expect(report["verdict"] == .string("kræver vurdering"))
        let headings = (report["headings"]?.arrayValue ?? []).compactMap(\.stringValue)
        for heading in ["Samlet vurdering", "Næste skridt", "Arbejdspladsen: medindflydelse og arbejdsmiljø", "Betingelser", "Regelpakker og retsgrundlag"] {
            #expect(headings.contains(heading), "\(heading) in \(headings)")
        }
        #expect(report["department"] == .string(department), "the department is shown as the text it is")
        #expect(report["alert"] == .null)
        #expect(report["scripts"] == .int(0) && report["images"] == .int(0), "nothing in the report was made from the data")
        #expect(report["styled"] == .string("solid"), "the report's stylesheet is served and allowed")
        if case .int(let bytes)? = report["bytes"] { #expect(bytes > 10_000) } else { Issue.record("no report screenshot") }
    }
}
