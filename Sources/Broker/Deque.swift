/// A first-in, first-out queue with amortised O(1) push and pop.
struct Deque<Element> {
    private var front: [Element] = []
    private var back: [Element] = []

    var isEmpty: Bool { front.isEmpty && back.isEmpty }
    var count: Int { front.count + back.count }

    mutating func append(_ element: Element) { back.append(element) }

    /// Puts an element at the head, to be popped next.
    mutating func prepend(_ element: Element) { front.append(element) }

    mutating func popFirst() -> Element? {
        if front.isEmpty {
            front = back.reversed()
            back.removeAll(keepingCapacity: true)
        }
        return front.popLast()
    }

    /// The element ``popFirst()`` would return.
    var first: Element? { front.last ?? back.first }

    /// Changes elements in place.
    mutating func update(_ body: (inout Element) -> Void) {
        for index in front.indices { body(&front[index]) }
        for index in back.indices { body(&back[index]) }
    }

    /// Removes every element matching `predicate`, keeping the order of the rest.
    mutating func removeAll(where predicate: (Element) -> Bool) {
        let all = front.reversed() + back
        front = []
        back = all.filter { !predicate($0) }
    }

    var elements: [Element] { front.reversed() + back }
}

extension Deque: Sendable where Element: Sendable {}
