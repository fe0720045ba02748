using SlmFleet.Api.Calibration;

namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>
/// Turns the routers' cumulative counters into this month's totals per (namespace, model alias).
/// A router's counters count from its start, so for each router and series the ledger remembers the
/// value at the month's start (the base) and what earlier lives of a restarted router counted this
/// month (carried):
/// <code>
///   month total = seed + Σ over routers and series of (carried + last − base)
///   counter went down        → the router restarted: carried += last − base, base = 0
///   month changed            → base = last seen value, carried = 0, seeds dropped
///   router not reachable now → its last values still count
/// </code>
/// <para>
/// Seeds: a ledger starts empty whenever an operator starts (or becomes leader), but the RoutingPolicy
/// status the previous one wrote already holds this month's totals up to its last read. A seed is such a
/// status (one per namespace and alias, <see cref="UsageSeeds"/>); it is used only when its month is the
/// month of the first <see cref="Record"/>. For a seeded (namespace, alias), the routers of the FIRST scrape
/// count only their growth from that scrape (base = first value): what they counted before is in the seed.
/// Routers first seen later count from zero (new pods started after the operator did), except those the
/// first scrape listed as unreachable: they were running then, so what they counted before is in the seed
/// too, and their first read is their base. That rule errs low rather than counting a whole month twice:
/// what such a router counted between the first scrape and its first successful read is lost.
/// Growth between the previous operator's last read and the first scrape is lost as well (the status keeps
/// no per-router values), as are the counts of routers that restarted in that gap.
/// </para>
/// <para>
/// Without a seed for this month (no status yet, or one from an earlier month) every router counts from
/// zero, as before seeds: right for routers and policies started this month, an over-count by whatever
/// older routers counted in earlier months (see README.md, "Counters and months — limitations").
/// </para>
/// Deterministic and clock-free: the month is passed in. Not thread-safe: one collector owns it.
/// </summary>
internal sealed class UsageLedger
{
    private readonly Dictionary<SeriesKey, SeriesState> _series = [];
    private readonly Dictionary<(string Namespace, string Model), PolicyUsage> _seeds;
    private readonly HashSet<(string Namespace, string Router)> _unreachedAtFirstScrape = [];
    private string? _month;

    /// <summary>A ledger without seeds: every router counts from zero.</summary>
    public UsageLedger()
        : this(null)
    {
    }

    /// <summary>A ledger that starts from <paramref name="seeds"/> (statuses' totals; those of another month than the first scrape's are ignored).</summary>
    public UsageLedger(IReadOnlyDictionary<(string Namespace, string Model), PolicyUsage>? seeds)
    {
        _seeds = seeds is null ? [] : new Dictionary<(string Namespace, string Model), PolicyUsage>(seeds);
    }

    /// <summary>Lines skipped as malformed in the last <see cref="Record"/>.</summary>
    public int LastSkipped { get; private set; }

    /// <summary>
    /// Records one scrape of every reachable router and returns the month's totals.
    /// <paramref name="unreached"/>: routers known to run but not readable now (only the first scrape's matter, see the class comment).
    /// </summary>
    public IReadOnlyDictionary<(string Namespace, string Model), PolicyUsage> Record(
        string month, IReadOnlyList<RouterMetricsText> routers, IReadOnlyCollection<(string Namespace, string Router)>? unreached = null)
    {
        ArgumentNullException.ThrowIfNull(month);
        ArgumentNullException.ThrowIfNull(routers);
        var firstScrape = _month is null;
        if (firstScrape)
        {
            StartFirstMonth(month, routers, unreached ?? []);
        }
        else if (_month != month)
        {
            StartMonth(month);
        }

        LastSkipped = 0;
        foreach (var router in routers)
        {
            // Read for the first time while the first scrape's seeds apply: its counts so far are in the seed.
            var seeded = firstScrape || _unreachedAtFirstScrape.Remove((router.Namespace, router.Router));
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
                // Calibration counts are never in a seed (the status keeps only the table), so they always count from zero.
                Observe(key, value, seeded && key.Name is not (RouterSeries.Calibration or RouterSeries.Candidate) && _seeds.ContainsKey((key.Namespace, key.Model)));
            }
        }

        return Totals(month);
    }

    private void StartFirstMonth(string month, IReadOnlyList<RouterMetricsText> routers, IReadOnlyCollection<(string Namespace, string Router)> unreached)
    {
        foreach (var (id, seed) in _seeds.ToList())
        {
            if (seed.Month != month)
            {
                _seeds.Remove(id);
            }
        }

        var read = routers.Select(r => (r.Namespace, r.Router)).ToHashSet();
        _unreachedAtFirstScrape.UnionWith(unreached.Where(r => !read.Contains(r)));
        _month = month;
    }

    private void StartMonth(string month)
    {
        foreach (var (key, state) in _series.ToList())
        {
            _series[key] = new SeriesState(Last: state.Last, Base: state.Last, Carried: 0);
        }

        // A seed covers the month its status names only; routers first read from now on count from zero.
        _seeds.Clear();
        _unreachedAtFirstScrape.Clear();
        _month = month;
    }

    private void Observe(SeriesKey key, double value, bool seeded)
    {
        if (!_series.TryGetValue(key, out var state))
        {
            _series[key] = new SeriesState(Last: value, Base: seeded ? value : 0, Carried: 0);
            return;
        }

        _series[key] = value < state.Last
            ? new SeriesState(Last: value, Base: 0, Carried: state.Carried + state.Last - state.Base)
            : state with { Last = value };
    }

    private Dictionary<(string Namespace, string Model), PolicyUsage> Totals(string month)
    {
        var sums = _seeds.ToDictionary(s => s.Key, s => new Sums(s.Value));
        foreach (var (key, state) in _series)
        {
            var amount = state.Carried + state.Last - state.Base;
            var id = (key.Namespace, key.Model);
            if (!sums.TryGetValue(id, out var sum))
            {
                sum = new Sums(null);
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
        private readonly Dictionary<string, (double[] Agreed, double[] Disagreed)> _calibration = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (double Agreed, double Samples)> _candidates = new(StringComparer.Ordinal);
        private readonly double _seedBaseline;
        private double _requests;
        private double _slm;
        private double _llm;
        private double _spend;
        private double _prompt;
        private double _completion;

        public Sums(PolicyUsage? seed)
        {
            if (seed is null)
            {
                return;
            }

            _requests = seed.Requests;
            _slm = seed.SlmRequests;
            _llm = seed.LlmRequests;
            _spend = seed.SpendUsd;
            _prompt = seed.PromptTokens;
            _completion = seed.CompletionTokens;
            _seedBaseline = seed.SeededBaselineUsd;
            foreach (var (reason, count) in seed.EscalationsByReason)
            {
                _escalations[reason] = count;
            }
        }

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
                case RouterSeries.Calibration:
                    AddCalibration(key.Detail, amount);
                    break;
                case RouterSeries.Candidate when key.Detail.Split('|') is [var candidate, var agreed]:
                    var (agreeing, samples) = _candidates.GetValueOrDefault(candidate);
                    _candidates[candidate] = (agreeing + (agreed == "true" ? amount : 0), samples + amount);
                    break;
                default:
                    break;
            }
        }

        private void AddCalibration(string detail, double amount)
        {
            // task|bucket|agreed, as RouterSeries.Detail joins them; a malformed sample is ignored.
            var parts = detail.Split('|');
            if (parts.Length != 3 || !double.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var edge))
            {
                return;
            }

            if (!_calibration.TryGetValue(parts[0], out var counts))
            {
                counts = (new double[ThresholdCalibration.Buckets], new double[ThresholdCalibration.Buckets]);
                _calibration[parts[0]] = counts;
            }

            var bucket = ThresholdCalibration.BucketOf(edge + (ThresholdCalibration.Step / 2));
            (parts[2] == "true" ? counts.Agreed : counts.Disagreed)[bucket] += amount;
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
            SeededBaselineUsd = _seedBaseline,
            Calibration = _calibration.ToDictionary(
                c => c.Key,
                c => new CalibrationCounts([.. c.Value.Agreed.Select(Count)], [.. c.Value.Disagreed.Select(Count)]),
                StringComparer.Ordinal),
            Candidates = _candidates.ToDictionary(c => c.Key, c => (Count(c.Value.Agreed), Count(c.Value.Samples)), StringComparer.Ordinal),
        };

        private static long Count(double value) => (long)Math.Round(Math.Max(0, value));
    }
}
