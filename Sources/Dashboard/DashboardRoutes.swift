import Broker
import Foundation
import HTTPTypes
import Hummingbird
import Journal
import Reports
import RulesEngine

/// The routes of ``DashboardServer``: each parses the request, calls a pure function and writes its answer.
struct DashboardRoutes: Sendable {
    let server: DashboardServer

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/healthz") { _, _ in json(.object([("status", .string("up"))])) }
        router.get("/readyz") { _, _ in
            let readiness = Readiness(server.status())
            return json(readiness.json, status: readiness.isReady ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            let status = server.status()
            server.metrics.record(snapshot: MetricSamples.broker(status))
            server.metrics.record(server.observations(), packs: Set(status.active.map(\.id)))
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: server.metrics.render())))
        }
        router.get("/api/status") { _, _ in status() }
        router.get("/api/screenings") { request, _ in
            try await journalRoute(request, allowed: ScreeningQuery.known) { journal, filter in
                .object([("screenings", .array(try journal.history(filter).map(ScreeningJSON.summary)))])
            }
        }
        router.get("/api/screenings/{id}") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let journal = server.journal else { return noJournal() }
            guard let record = try await offPool({ try journal.lookup(requestID: id) }) else {
                return json(.object([("error", .string("not-found")), ("message", .string("the journal has no screening with this request id"))]), status: .notFound)
            }
            return json(ScreeningJSON.detail(record))
        }
        router.get("/api/summary") { request, _ in
            try await journalRoute(request, allowed: ["since", "until"]) { journal, filter in
                var filter = filter
                filter.limit = server.scanLimit + 1
                let records = try journal.history(filter)
                return ScreeningCounts.json(Array(records.prefix(server.scanLimit)), truncated: records.count > server.scanLimit)
            }
        }
        router.get("/api/conditions") { request, _ in
            var parameters = Self.parameters(request)
            let from = parameters.removeValue(forKey: "from") ?? String(JournalTimestamp.now().description.prefix(10))
            guard JournalTimestamp(day: from) != nil else {
                return badRequest(QueryError(parameter: "from", "must be a day, YYYY-MM-DD"))
            }
            return try await journalRoute(parameters, allowed: []) { journal, filter in
                var filter = filter
                filter.limit = server.scanLimit
                return ConditionCalendar.json(ConditionCalendar.entries(try journal.history(filter), from: from), from: from)
            }
        }
        router.get("/api/events") { request, _ in
            EventStream(feed: server.feed, journal: server.journal).response(lastEventID: request.headers.first { $0.name.canonicalName == "last-event-id" }?.value)
        }
        router.get("/screenings/{id}") { request, context in
            let id = context.parameters.get("id") ?? ""
            let language = Self.language(request)
            guard let journal = server.journal else { return page(ReportPages.problem(noJournalText, language: language), status: .serviceUnavailable) }
            guard let record = try await offPool({ try journal.lookup(requestID: id) }) else {
                return page(ReportPages.problem(ReportPages.notFound(language), language: language), status: .notFound)
            }
            do {
                let screening = try ReportSource.screening(record, catalog: server.catalog)
                return page(MEDReport.html(screening, language: language, labels: server.labels, stylesheet: .linked("/report.css")))
            } catch {
                return page(ReportPages.problem("\(error)", language: language), status: .conflict)
            }
        }
        router.get("/report.css") { _, _ in asset(MEDReport.css, "text/css; charset=utf-8") }
        router.get("/") { _, _ in asset(DashboardAssets.html, "text/html; charset=utf-8") }
        router.get("/dashboard.js") { _, _ in asset(DashboardAssets.script, "text/javascript; charset=utf-8") }
        router.get("/dashboard.css") { _, _ in asset(DashboardAssets.style, "text/css; charset=utf-8") }
        return router
    }

    private func status() -> Response {
        let status = server.status()
        guard case .object(var members) = Readiness(status).json else { return json(.null) }
        let counts = server.feed.counts
        members.append((
            "feed",
            .object([
                ("received", .int(Int64(counts.received))), ("missed", .int(Int64(counts.missed))),
                ("clients", .int(Int64(server.feed.clientCount))),
            ])
        ))
        return json(.object(members))
    }

    /// A journal query: 400 for a bad query, 503 without a journal, 500 when it cannot be read.
    private func journalRoute(
        _ request: Request, allowed: Set<String>, _ body: @escaping @Sendable (Journal, HistoryFilter) throws -> JSONValue
    ) async throws -> Response {
        try await journalRoute(Self.parameters(request), allowed: allowed, body)
    }

    private func journalRoute(
        _ parameters: [String: String], allowed: Set<String>, _ body: @escaping @Sendable (Journal, HistoryFilter) throws -> JSONValue
    ) async throws -> Response {
        let filter: HistoryFilter
        do {
            filter = try ScreeningQuery.filter(parameters, allowed: allowed)
        } catch {
            return badRequest(error)
        }
        guard let journal = server.journal else { return noJournal() }
        do {
            return json(try await offPool { try body(journal, filter) })
        } catch let error as JournalError {
            return json(.object([("error", .string("journal")), ("message", .string(error.message))]), status: .internalServerError)
        }
    }

    /// `lang=en|da`, else the first of `Accept-Language` that is one of them, else Danish.
    static func language(_ request: Request) -> Language {
        if let asked = parameters(request)["lang"], let language = Language(rawValue: asked) { return language }
        let accepted = request.headers.first { $0.name.canonicalName == "accept-language" }?.value ?? ""
        for part in accepted.split(separator: ",") {
            let tag = part.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            if tag.hasPrefix("da") { return .da }
            if tag.hasPrefix("en") { return .en }
        }
        return .da
    }

    static func parameters(_ request: Request) -> [String: String] {
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
        return parameters
    }
}

func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
    Response(
        status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
        body: .init(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(value))))
}

func badRequest(_ error: QueryError) -> Response {
    json(.object([("error", .string("bad-request")), ("parameter", .string(error.parameter)), ("message", .string(error.description))]), status: .badRequest)
}

let noJournalText = "the broker keeps no journal (journal.path, --journal)"

func noJournal() -> Response {
    json(.object([("error", .string("no-journal")), ("message", .string(noJournalText))]), status: .serviceUnavailable)
}

/// An HTML page (the MED report) under the same policy as the assets: no script at all, styles only from the server.
func page(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(
        status: status,
        headers: [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .xContentTypeOptions: "nosniff",
            .contentSecurityPolicy: "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'",
        ],
        body: .init(byteBuffer: ByteBuffer(string: html)))
}

/// A page asset. The policy allows only the server's own scripts and styles: nothing in the data can run.
func asset(_ text: String, _ type: String) -> Response {
    Response(
        status: .ok,
        headers: [
            .contentType: type, .cacheControl: "no-cache", .xContentTypeOptions: "nosniff",
            .contentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; frame-ancestors 'none'",
        ],
        body: .init(byteBuffer: ByteBuffer(string: text)))
}
