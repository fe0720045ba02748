using SlmFleet.Demo.Policies;

namespace SlmFleet.Demo.Workload;

/// <summary>What to paste to use the running router from an application (printed once the workload is done).</summary>
internal static class SdkHints
{
    public static void Write(TextWriter output, Uri router, Uri? metrics)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(router);
        var v1 = new Uri(router, "v1").ToString();
        output.WriteLine($"""

            The router keeps serving. Point any OpenAI SDK at it:
              base_url  {v1}
              api_key   any string (client keys are off locally; in a cluster, the keys in --client-keys-file)
              model     "{DemoPolicy.Alias}" (routed: SLM first, LLM when needed) or "{DemoPolicy.ServedName}" (the SLM alone)

            Python (pip install openai):
              from openai import OpenAI
              client = OpenAI(base_url="{v1}", api_key="local")
              raw = client.chat.completions.with_raw_response.create(
                  model="{DemoPolicy.Alias}",
                  messages=[{"{"}"role": "user", "content": "Review: great battery. Sentiment?"{"}"}],
                  extra_headers={"{"}"x-slmfleet-labels": "positive,negative,neutral"{"}"})
              print(raw.headers["x-slmfleet-route"], raw.headers["x-slmfleet-reason"], raw.parse().choices[0].message.content)

            curl:
              curl -si {v1}/chat/completions -H 'content-type: application/json' \
                -H 'x-slmfleet-labels: positive,negative,neutral' \
                -d '{"{"}"model":"{DemoPolicy.Alias}","messages":[{"{"}"role":"user","content":"Review: great battery. Sentiment?"{"}"}]{"}"}'
            """);
        if (metrics is not null)
        {
            output.WriteLine($"\nRouter metrics (Prometheus): {metrics}   e.g. slm_router_requests_total, slm_router_llm_spend_usd_total, slm_router_savings_usd_total");
        }

        output.WriteLine("Ctrl-C stops the worker, the router and the LLM stand-in.");
    }
}
