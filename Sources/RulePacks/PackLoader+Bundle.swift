internal import RulesEngine
internal import Foundation

extension PackLoader {
    /// Loads the pack in a bundle file (`.aispack`): its files are checked against the manifest, the signature (if
    /// any) against the key the manifest names, and the content's digest, id and version against the manifest's.
    /// The deployment's parameter overrides apply as for a folder. Diagnostics name `FILE:PATH`, e.g.
    /// `gdpr-1.1.0.aispack:pack.yaml:12:5`.
    public func load(bundleFile path: String) -> LoadedPack {
        let at = SourceLocation(file: path, line: 1, column: 1)
        guard let data = FileManager.default.contents(atPath: path) else {
            return LoadedPack(directory: path, pack: nil, diagnostics: [RuleDiagnostic(.error, .bundleInvalid, "cannot read the bundle file", at: at)])
        }
        let bundle: PackBundle
        do {
            bundle = try PackBundle(decoding: Array(data), file: path)
        } catch {
            return LoadedPack(directory: path, pack: nil, diagnostics: [error])
        }
        return load(bundle: bundle, file: path)
    }

    /// Loads the pack in `bundle`, read from `file` (see ``load(bundleFile:)``).
    public func load(bundle: PackBundle, file: String) -> LoadedPack {
        let at = SourceLocation(file: file, line: 1, column: 1)
        var signed = false
        if bundle.signature != nil {
            guard bundle.signatureIsValid else {
                return LoadedPack(
                    directory: file, pack: nil,
                    diagnostics: [RuleDiagnostic(.error, .signatureInvalid, "the signature does not verify with the key the manifest names: the bundle changed after it was signed", at: at)],
                    bundle: bundle.manifest)
            }
            signed = true
        }
        guard let (packPath, packBytes) = bundle.file(.pack), let (schemaPath, schemaBytes) = bundle.file(.schema) else {
            return LoadedPack(directory: file, pack: nil, diagnostics: [RuleDiagnostic(.error, .bundleInvalid, "the bundle has no pack.yaml or no schema", at: at)])
        }
        let duties = bundle.file(.duties)
        let companions = CompanionFiles(
            schema: { _ in ("\(file):\(schemaPath)", Data(schemaBytes)) },
            duties: { duties.map { ("\(file):\($0.path)", Data($0.bytes)) } })
        var loaded = load(yaml: packBytes, file: "\(file):\(packPath)", directory: file, files: companions)
        loaded.directory = file
        loaded.bundle = bundle.manifest
        loaded.signed = signed
        let content = Self.digest(packText: Data(packBytes), schemaText: Data(schemaBytes), overrides: [:], dutiesText: duties.map { Data($0.bytes) })
        var mismatches: [String] = []
        if content != bundle.manifest.digest { mismatches.append("its content has digest \(content), the manifest says \(bundle.manifest.digest)") }
        if let pack = loaded.pack {
            if pack.id != bundle.manifest.id { mismatches.append("pack.yaml says pack '\(pack.id)', the manifest '\(bundle.manifest.id)'") }
            if pack.version != bundle.manifest.version { mismatches.append("pack.yaml says version \(pack.version), the manifest \(bundle.manifest.version)") }
        }
        if !mismatches.isEmpty {
            loaded.pack = nil
            loaded.diagnostics.append(RuleDiagnostic(.error, .bundleTampered, mismatches.joined(separator: "; "), at: at))
        }
        return loaded
    }
}
