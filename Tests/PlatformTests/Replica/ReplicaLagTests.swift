import Testing

@testable import Platform

/// The lag rule on pinned clocks and positions (see `ReplicaLag`).
@Suite("Replica lag from WAL positions")
struct ReplicaLagTests {
    let start = ContinuousClock.now

    @Test func positionsParseAsPostgreSQLPrintsThem() throws {
        // 0x16 << 32 | 0xB374D848, worked out by hand.
        #expect(WALPosition("16/B374D848")?.offset == 94_489_280_512 + 3_010_779_208)
        #expect(WALPosition("0/0")?.offset == 0)
        #expect(WALPosition("0/3000148")?.description == "0/3000148")
        for bad in ["", "/", "1/", "/1", "G/1", "1/2/3", "123456789/0", "-1/0", " 1/0"] {
            #expect(WALPosition(bad) == nil, "\(bad)")
        }
        #expect(WALPosition(offset: 100).bytes(after: WALPosition(offset: 40)) == 60)
        #expect(WALPosition(offset: 40).bytes(after: WALPosition(offset: 100)) == 0)
    }

    @Test func theLatestCoveredSampleBoundsTheStaleness() {
        var lag = ReplicaLag(history: .seconds(60))
        lag.recordPrimary(WALPosition(offset: 100), at: start)
        lag.recordPrimary(WALPosition(offset: 200), at: start + .seconds(1))
        lag.recordPrimary(WALPosition(offset: 300), at: start + .seconds(2))
        // Replayed 250: everything before the second sample is there, not the third.
        #expect(lag.freshThrough(replayed: WALPosition(offset: 250)) == start + .seconds(1))
        #expect(lag.freshThrough(replayed: WALPosition(offset: 300)) == start + .seconds(2))
        #expect(lag.freshThrough(replayed: WALPosition(offset: 99)) == nil)
        #expect(lag.bytesBehind(replayed: WALPosition(offset: 250)) == 50)
    }

    @Test func anIdlePrimaryNeverMakesTheReplicaStale() {
        // pg_last_xact_replay_timestamp() would grow here; the positions stay equal.
        var lag = ReplicaLag(history: .seconds(60))
        for second in 0..<600 {
            lag.recordPrimary(WALPosition(offset: 500), at: start + .seconds(second))
        }
        #expect(lag.freshThrough(replayed: WALPosition(offset: 500)) == start + .seconds(599))
        // History is bounded: one sample before the horizon is kept.
        #expect(lag.samples.count <= 62)
    }

    @Test func aPrimaryGoingBackwardsStartsOver() {
        var lag = ReplicaLag(history: .seconds(60))
        lag.recordPrimary(WALPosition(offset: 900), at: start)
        lag.recordPrimary(WALPosition(offset: 100), at: start + .seconds(1))
        #expect(lag.samples.count == 1)
        #expect(lag.freshThrough(replayed: WALPosition(offset: 500)) == start + .seconds(1))
    }
}
