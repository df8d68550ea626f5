import CollectorTestSupport
import Foundation
import TestSupport
import Testing
@testable import Collector

@Suite("Rate limits per host")
struct RateLimiterTests {
    let second: UInt64 = 1_000_000_000

    @Test("A host may spend a minute's worth at once, then gets tokens back at the steady rate")
    func bucket() {
        let limiter = RateLimiter(eventsPerMinute: 600)
        #expect(limiter.take(600, for: "a", now: 0).allowed)
        let refused = limiter.take(10, for: "a", now: 0)
        #expect(!refused.allowed)
        #expect(refused.retryAfterSeconds == 1)
        #expect(limiter.take(10, for: "a", now: second).allowed)
        #expect(limiter.take(1, for: "a", now: second).remaining == 0)
    }

    @Test("One noisy host does not touch another's allowance")
    func hostsAreSeparate() {
        let limiter = RateLimiter(eventsPerMinute: 100)
        #expect(limiter.take(100, for: "noisy", now: 0).allowed)
        #expect(!limiter.take(1, for: "noisy", now: 0).allowed)
        #expect(limiter.take(100, for: "quiet", now: 0).allowed)
    }

    @Test("0 turns the limit off")
    func off() {
        let limiter = RateLimiter(eventsPerMinute: 0)
        #expect(limiter.take(1_000_000, for: "a", now: 0).allowed)
    }

    @Test("Over the limit the API answers 429 with Retry-After and X-RateLimit headers, and writes nothing")
    func endpointAnswers429() throws {
        let collector = try CollectorHarness { $0.rateLimitEventsPerMinute = 3 }
        let first = try collector.postBatch([event(), event()])
        #expect(first.status == 200)
        #expect(first.header("X-RateLimit-Limit") == "3")
        #expect(first.header("X-RateLimit-Remaining") == "1")
        let second = try collector.postBatch([event(), event()])
        #expect(second.status == 429)
        #expect(second.json["code"] as? String == "rate_limited")
        #expect(second.header("Retry-After") != nil)
        #expect(second.header("X-RateLimit-Remaining") == "1")
        #expect(try collector.count() == 2)
    }
}
