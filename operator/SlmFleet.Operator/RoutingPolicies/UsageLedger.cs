namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>
/// Turns the routers' cumulative counters into this month's totals per (namespace, model alias).
/// A router's counters count from its start, so for each router and series the ledger remembers the
/// value at the month's start (the base) and what earlier lives of a restarted router counted this
/// month (carried):
/// <code>
///   month total = Σ over routers and series of (carried + last − base)
///   counter went down        → the router restarted: carried += last − base, base = 0
///   month changed            → base = last seen value, carried = 0
///   router not reachable now → its last values still count
/// </code>
/// A router first seen mid-month counts from zero: right for routers started this month, an
/// over-count for older ones after the operator itself restarted (see README.md, "RoutingPolicy controller").
/// Deterministic and clock-free: the month is passed in. Not thread-safe: one collector owns it.
/// </summary>
internal sealed class UsageLedger
{
    private readonly Dictionary<SeriesKey, SeriesState> _series = [];
    private string? _month;

    /// <summary>Lines skipped as malformed in the last <see cref="Record"/>.</summary>
    public int LastSkipped { get; private set; }

    /// <summary>Records one scrape of every reachable router and returns the month's totals.</summary>
    public IReadOnlyDictionary<(string Namespace, string Model), PolicyUsage> Record(string month, IReadOnlyList<RouterMetricsText> routers)
    {
        ArgumentNullException.ThrowIfNull(routers);
        if (_month != month)
        {
            StartMonth(month);
        }

        LastSkipped = 0;
        foreach (var router in routers)
        {
            var samples = PrometheusTextParser.Parse(router.Text, RouterSeries.IsWanted, out var skipped);
            LastSkipped += skipped;
            var values = new Dictionary<SeriesKey, double>();
            foreach (var sample in samples)
            {
                if (double.IsNaN(sample.Value) || double.IsInfinity(sample.Value))
                {
                    continue;
                }

                var key = new SeriesKey(router.Namespace, router.Router, sample.Name, sample.Label(RouterSeries.ModelLabel), RouterSeries.Detail(sample));
                values[key] = values.GetValueOrDefault(key) + sample.Value;
            }

            foreach (var (key, value) in values)
            {
                Observe(key, value);
            }
        }

        return Totals(month);
    }

    private void StartMonth(string month)
    {
        foreach (var (key, state) in _series.ToList())
        {
            _series[key] = new SeriesState(Last: state.Last, Base: state.Last, Carried: 0);
        }

        _month = month;
    }

    private void Observe(SeriesKey key, double value)
    {
        if (!_series.TryGetValue(key, out var state))
        {
            _series[key] = new SeriesState(Last: value, Base: 0, Carried: 0);
            return;
        }

        _series[key] = value < state.Last
            ? new SeriesState(Last: value, Base: 0, Carried: state.Carried + state.Last - state.Base)
            : state with { Last = value };
    }

    private Dictionary<(string Namespace, string Model), PolicyUsage> Totals(string month)
    {
        var sums = new Dictionary<(string Namespace, string Model), Sums>();
        foreach (var (key, state) in _series)
        {
            var amount = state.Carried + state.Last - state.Base;
            var id = (key.Namespace, key.Model);
            if (!sums.TryGetValue(id, out var sum))
            {
                sum = new Sums();
                sums[id] = sum;
            }

            sum.Add(key, amount);
        }

        return sums.ToDictionary(s => s.Key, s => s.Value.ToUsage(month));
    }

    private readonly record struct SeriesKey(string Namespace, string Router, string Name, string Model, string Detail);

    private readonly record struct SeriesState(double Last, double Base, double Carried);

    private sealed class Sums
    {
        private readonly Dictionary<string, double> _escalations = new(StringComparer.Ordinal);
        private double _requests;
        private double _slm;
        private double _llm;
        private double _spend;
        private double _prompt;
        private double _completion;

        public void Add(SeriesKey key, double amount)
        {
            switch (key.Name)
            {
                case RouterSeries.Requests:
                    _requests += amount;
                    _slm += key.Detail == "slm" ? amount : 0;
                    _llm += key.Detail == "llm" ? amount : 0;
                    break;
                case RouterSeries.Escalations:
                    _escalations[key.Detail] = _escalations.GetValueOrDefault(key.Detail) + amount;
                    break;
                case RouterSeries.Spend:
                    _spend += amount;
                    break;
                case RouterSeries.Tokens:
                    _prompt += key.Detail == "prompt" ? amount : 0;
                    _completion += key.Detail == "completion" ? amount : 0;
                    break;
                default:
                    break;
            }
        }

        public PolicyUsage ToUsage(string month) => new()
        {
            Month = month,
            Requests = Count(_requests),
            SlmRequests = Count(_slm),
            LlmRequests = Count(_llm),
            EscalationsByReason = _escalations.Where(e => Count(e.Value) > 0).ToDictionary(e => e.Key, e => Count(e.Value), StringComparer.Ordinal),
            SpendUsd = Math.Max(0, _spend),
            PromptTokens = Count(_prompt),
            CompletionTokens = Count(_completion),
        };

        private static long Count(double value) => (long)Math.Round(Math.Max(0, value));
    }
}
