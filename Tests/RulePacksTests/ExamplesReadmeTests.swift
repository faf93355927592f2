import Foundation
import Testing

@testable import RulePacks
@testable import RulesEngine

/// examples/README.md states the verdict the system gives each example; it must stay true.
struct ExamplesReadmeTests {
    /// (file, verdict) from the README's "engine verdict" column: `**<verdict>** — …`.
    static func documentedVerdicts() throws -> [(String, String)] {
        try Repository.text("examples/README.md").split(separator: "\n").compactMap { line in
            guard line.hasPrefix("| `"), let fileEnd = line.dropFirst(3).firstIndex(of: "`"),
                let verdictStart = line.range(of: "| **"), let verdictEnd = line.range(of: "** —", range: verdictStart.upperBound..<line.endIndex)
            else { return nil }
            return (String(line[line.index(line.startIndex, offsetBy: 3)..<fileEnd]), String(line[verdictStart.upperBound..<verdictEnd.lowerBound]))
        }
    }

    @Test func everyExampleHasItsVerdictInTheReadmeAndItIsTheOneTheSystemGives() throws {
        let documented = try Self.documentedVerdicts()
        let files = try FileManager.default.contentsOfDirectory(atPath: Repository.path("examples/requests")).filter { $0.hasSuffix(".json") }
        #expect(Set(documented.map(\.0)) == Set(files))
        let loader = PackLoader()
        let packs = try BundledPacks.names.map { name in try #require(loader.load(directory: BundledPacks.directory(name)).pack) }
        let screener = Screener(packs: packs)
        for (file, verdict) in documented {
            let result = try screener.screen(json: try Repository.text("examples/requests/" + file))
            #expect(result.verdict.description == verdict, "\(file)")
        }
    }
}
