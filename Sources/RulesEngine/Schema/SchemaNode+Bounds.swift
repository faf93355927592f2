extension SchemaNode {
    /// The largest document that can still be valid against this schema: its nesting depth, values, longest
    /// string (UTF-8 bytes) and largest container. nil where the schema sets no bound (an array without
    /// `maxItems`, a free string without `maxLength`).
    struct Bounds {
        var depth: Int
        var values: Int?
        var stringBytes: Int?
        var containerCount: Int?
    }

    var bounds: Bounds {
        func add(_ a: Int?, _ b: Int?) -> Int? {
            guard let a, let b else { return nil }
            let (sum, overflow) = a.addingReportingOverflow(b)
            return overflow ? nil : sum
        }
        func most(_ a: Int?, _ b: Int?) -> Int? {
            guard let a, let b else { return nil }
            return max(a, b)
        }
        switch kind {
        case .boolean, .integer, .number:
            return Bounds(depth: 0, values: 1, stringBytes: 0, containerCount: 0)
        case .string(let values, let isDate, _, let maxLength, let constant):
            var bytes: Int?
            if let values {
                bytes = values.map(\.utf8.count).max() ?? 0
            } else if let constant {
                bytes = constant.utf8.count
            } else if isDate {
                bytes = 10
            } else if let maxLength {
                bytes = maxLength.multipliedReportingOverflow(by: 4).overflow ? nil : maxLength * 4  // ≤ 4 bytes a scalar
            }
            return Bounds(depth: 0, values: 1, stringBytes: bytes, containerCount: 0)
        case .array(let items, _, let maxItems, _):
            let inner = items.bounds
            let values = maxItems.flatMap { count in inner.values.flatMap { count.multipliedReportingOverflow(by: $0).overflow ? nil : count * $0 } }
            return Bounds(depth: inner.depth + 1, values: add(values, 1), stringBytes: inner.stringBytes, containerCount: most(maxItems, inner.containerCount))
        case .object(let shape):
            var bounds = Bounds(depth: 1, values: 1, stringBytes: shape.names.map(\.utf8.count).max() ?? 0, containerCount: shape.names.count)
            for node in shape.nodes {
                let inner = node.bounds
                bounds.depth = max(bounds.depth, inner.depth + 1)
                bounds.values = add(bounds.values, inner.values)
                bounds.stringBytes = most(bounds.stringBytes, inner.stringBytes)
                bounds.containerCount = most(bounds.containerCount, inner.containerCount)
            }
            return bounds
        }
    }
}

extension JSONLimits {
    /// These limits, tightened to what a document valid against `schema` can need: a body that passes them cannot
    /// be a valid request, so reading stops there, at a cost bounded by the schema rather than by the body.
    public func bounded(by schema: SchemaNode) -> JSONLimits {
        // With slack, so that an honest mistake (a list a few elements too long, a name too long, an object where a
        // number belongs) still gets the thorough path's error naming the field: only bodies far past anything valid
        // stop early.
        let bounds = schema.bounds
        var limits = self
        limits.maxDepth = min(maxDepth, bounds.depth + 2)
        if let values = bounds.values { limits.maxValues = min(maxValues, 2 * values + 256) }
        if let bytes = bounds.stringBytes { limits.maxStringLength = min(maxStringLength, bytes + 1_024) }
        if let count = bounds.containerCount { limits.maxContainerCount = min(maxContainerCount, 4 * count + 64) }
        return limits
    }
}
