import Dashboard
import Testing

struct HTTPEndpointTests {
    @Test(arguments: [
        ("127.0.0.1:8080", "127.0.0.1", 8080, true), ("localhost:0", "localhost", 0, true), ("[::1]:9000", "::1", 9000, true),
        ("127.10.0.3:1", "127.10.0.3", 1, true), ("0.0.0.0:8080", "0.0.0.0", 8080, false), ("10.1.2.3:80", "10.1.2.3", 80, false),
        ("dashboard.example:443", "dashboard.example", 443, false), ("127.0.0.1.evil.example:80", "127.0.0.1.evil.example", 80, false),
    ])
    func parsesHostAndPortAndKnowsLoopback(text: String, host: String, port: Int, loopback: Bool) throws {
        let endpoint = try HTTPEndpoint(parsing: text)
        #expect(endpoint.host == host)
        #expect(endpoint.port == port)
        #expect(endpoint.isLoopback == loopback)
        #expect(endpoint.description == text)
    }

    @Test(arguments: ["8080", "127.0.0.1", ":8080", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "::1:80", "[::1]80", "http://127.0.0.1:80"])
    func refusesWhatIsNotHostColonPort(text: String) {
        let error = #expect(throws: HTTPEndpointError.self) { try HTTPEndpoint(parsing: text) }
        #expect(error?.text == text)
    }
}
