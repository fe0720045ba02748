namespace SlmFleet.Bench.Worker;

/// <summary>One family's row: our tokenizer and transformers.js on the same corpus in the same run.</summary>
internal sealed record TokenizerThroughput(
    string Source,
    string Family,
    int Texts,
    long CorpusBytes,
    int IdenticalEncodings,
    double LoadSeconds,
    double EncodeMBps,
    double DecodeMBps,
    double ReferenceEncodeMBps,
    double ReferenceDecodeMBps);
