package dev.weft.examples;

import static dev.weft.Async.async;

import dev.weft.Future;
import dev.weft.runtime.Handle;
import dev.weft.runtime.Runtime;
import dev.weft.time.Time;
import java.time.Duration;

/**
 * async/await and the two ways to set up a runtime: the seed's "async/await Basics"
 * and "Tokio Runtime Setup".
 *
 * <pre>{@code
 * async fn fetch_data(url: &str) -> Result<String, reqwest::Error> {
 *     let body = reqwest::get(url).await?.text().await?;
 *     Ok(body)
 * }
 *
 * #[tokio::main]
 * async fn main() -> anyhow::Result<()> {
 *     let result = fetch_data("https://example.com").await?;
 *     println!("{result}");
 *     Ok(())
 * }
 *
 * fn main() -> anyhow::Result<()> {
 *     let rt = tokio::runtime::Builder::new_multi_thread()
 *         .worker_threads(4)
 *         .enable_all()
 *         .build()?;
 *     rt.block_on(async { Ok(()) })
 * }
 * }</pre>
 *
 * <p>An {@code async fn} is a method that returns a lazy {@link Future}; its body is
 * an {@link dev.weft.Async#async async block}. {@code ?} is Java's exception
 * propagation: a failure of {@code get} or {@code text} is thrown from
 * {@code await()}, checked exceptions included.
 */
public final class BasicsExample {
    private BasicsExample() {
    }

    /** What a simulated HTTP GET answers: Weft has no HTTP client, so this one answers by itself. */
    record Response(String url) {
        /** {@code response.text()}: the body arrives a little later. */
        Future<String> text() {
            return Time.sleep(Duration.ofMillis(5)).map(__ -> "  <h1>hello from " + url + "</h1>\n");
        }
    }

    /** {@code reqwest::get(url)}: the response arrives a little later. */
    static Future<Response> get(String url) {
        return Time.sleep(Duration.ofMillis(5)).map(__ -> new Response(url));
    }

    /** {@code async fn fetch_data(url) -> Result<String, _>}: nothing runs until it is awaited. */
    static Future<String> fetchData(String url) {
        return async(() -> {
            String body = get(url).await().text().await();
            return body.strip();
        });
    }

    /** {@code #[tokio::main]}: build the default runtime, run the body on it, shut it down. */
    static String macroStyle() {
        return Runtime.main(() -> fetchData("https://example.com").await());
    }

    /** What the manual set-up saw from inside its runtime. */
    record Manual(String body, int workers, boolean timeEnabled, boolean ioEnabled) {
    }

    /** {@code Builder::new_multi_thread().worker_threads(4).enable_all().build()?} and {@code block_on}. */
    static Manual manual() {
        try (Runtime rt = Runtime.builder().workerThreads(4).enableAll().build()) {
            return rt.blockOn(() -> {
                Handle here = Handle.current();           // the runtime running this code
                String body = fetchData("https://example.org").await();
                return new Manual(body, here.metrics().workers(), here.isTimeEnabled(), here.isIoEnabled());
            });
        }                                                 // close(): every runtime built is shut down
    }

    /** The example's observable result. */
    record Outcome(String fromMain, Manual fromBuilder) {
    }

    /** Runs both set-ups. */
    public static Outcome run() {
        return new Outcome(macroStyle(), manual());
    }

    public static void main(String[] args) {
        Outcome o = run();
        System.out.println("#[tokio::main] style : " + o.fromMain());
        System.out.println("manual runtime       : " + o.fromBuilder().body() + " (" + o.fromBuilder().workers()
                + " workers, time " + o.fromBuilder().timeEnabled() + ", io " + o.fromBuilder().ioEnabled() + ")");
    }
}
