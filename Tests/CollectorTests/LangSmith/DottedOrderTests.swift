import Testing
@testable import Collector

@Suite("DottedOrder")
struct DottedOrderTests {
    static let root = "01a23b4a-b606-7bf7-8922-f7b720b0fe62"
    static let child = "01a23b4a-b610-71d6-9581-fe7a6b7e5765"

    @Test("A child's dotted order names its trace first and itself last, each with its start to the microsecond")
    func segments() throws {
        let order = try #require(DottedOrder("20261203T094441734606Z\(Self.root).20261203T094441744334Z\(Self.child)"))
        #expect(order.root.id == Self.root)
        #expect(order.own.id == Self.child)
        #expect(order.root.start == Timestamp.parse(Array("2026-12-03T09:44:41.734606Z".utf8)))
        #expect(order.own.start == Timestamp.parse(Array("2026-12-03T09:44:41.744334Z".utf8)))
    }

    @Test("Upper-case ids are the same ids")
    func upperCase() throws {
        let order = try #require(DottedOrder("20261203T094441734606Z\(Self.root.uppercased())"))
        #expect(order.own.id == Self.root)
    }

    @Test("What is not a dotted order is refused", arguments: [
        "", ".", "20261203T094441734606Z", "20261203T094441734606Z\(root).",
        "20261203T094441734606\(root)", "2026-12-03T09:44:41Z\(root)", "20261303T094441734606Z\(root)",
        "20261203T094441734606Z\(root.dropLast())", "20261203T094441734606Znot-a-uuid-at-all-not-a-uuid-at-all1",
        "20261203T0944417346é6Z\(root)",
    ])
    func refused(text: String) {
        #expect(DottedOrder(text) == nil)
    }
}
