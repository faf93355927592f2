import Testing

@testable import Broker

struct DequeTests {
    @Test func popsInOrderWithPrependedElementsFirst() {
        var queue = Deque<Int>()
        #expect(queue.first == nil)
        queue.append(1)
        queue.append(2)
        #expect(queue.popFirst() == 1)
        queue.append(3)
        queue.prepend(0)
        #expect(queue.first == 0)
        #expect(queue.elements == [0, 2, 3])
        queue.update { $0 *= 10 }
        #expect(queue.elements == [0, 20, 30])
        #expect([queue.popFirst(), queue.popFirst(), queue.popFirst(), queue.popFirst()] == [0, 20, 30, nil])
        #expect(queue.isEmpty)
    }
}
