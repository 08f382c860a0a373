public import CoreMetrics

/// The look-ups of one `ExpiringCache`, counted in swift-metrics as
/// `mediadaemon_cache_lookups_total{cache, result}` (rendered at `/metrics`): `hit` served a
/// live value, `reload` served one in the last quarter of its life and started its background
/// reload, `miss` found nothing live and the request loaded the value itself (every look-up of
/// a cache whose lifetime is zero). The hit rate is (hit + reload) / all three.
struct CacheLookupCounters: Sendable {
    /// The counter family's name.
    static let label = "mediadaemon_cache_lookups_total"

    let hit: Counter
    let reload: Counter
    let miss: Counter

    /// The three counters of the cache named `cache` (`session`, `feed_page`), made once: each
    /// look-up then costs one counter increment.
    init(cache: String, factory: any MetricsFactory) {
        func counter(_ result: String) -> Counter {
            Counter(label: Self.label, dimensions: [("cache", cache), ("result", result)], factory: factory)
        }
        hit = counter("hit")
        reload = counter("reload")
        miss = counter("miss")
    }
}
