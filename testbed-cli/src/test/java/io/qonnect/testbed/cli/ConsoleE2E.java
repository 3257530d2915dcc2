package io.qonnect.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.qonnect.testbed.junit.TestbedClusters;
import io.qonnect.testbed.junit.WithTestbed;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real headless Chromium (Debian's, installed by scripts/chromium.sh, which test.sh runs), on
 * the testbed with the real processes, opened from the link {@code qonnect console} prints (its data answers only
 * with the token in it): the page shows the member clusters by tier, Bookinfo's placement as the CLI reports it and
 * why it is there, drill reports as timelines, and follows a member cluster whose API server stops (its health
 * changes, the event arrives) without a reload. Leaves target/console.png; {@code -Dconsole.screenshot=PATH} copies it there
 * (docs/console.png is made so).
 */
@WithTestbed(clusters = "cloud=1,fog=2,edge=1") // the layout of every E2E: one testbed for all
class ConsoleE2E {
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private E2eFederation federation;
  private WebDriver browser;

  @AfterEach
  void down() {
    if (browser != null) browser.quit();
    if (federation != null) federation.close();
  }

  @Test
  void showsTheClustersAndBookinfosPlacementAndFollowsAClusterThatStops(TestbedClusters clusters) throws Exception {
    assumeTrue(new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
        "Debian's chromium and chromium-driver are not installed: scripts/chromium.sh installs them (as root)");
    federation = E2eFederation.up(clusters, "console");
    federation.awaitEveryClusterObserved(clusters.names());
    federation.qonnect("apply", "-f", Path.of("..", "examples", "bookinfo.yaml").toString());
    JsonNode bookinfo = awaitReady();
    List<String> placedOn = new ArrayList<>();
    bookinfo.path("components").forEach(c -> c.path("desired").forEach(r -> placedOn.add(r.path("cluster").asText())));

    // the link 'qonnect console' prints, as the federation's admin: the leader's console with a token in its fragment
    String link = federation.qonnect("console").lines().findFirst().orElseThrow();
    assertThat(link).matches("http://127\\.0\\.0\\.1:\\d+/console/#token=[A-Za-z0-9_-]{43}");
    String data = link.substring(0, link.indexOf('#')) + "api/state";
    assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(data)).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .as("the console's data without the token").isEqualTo(401);
    browser = chromium();
    browser.get(link);
    // the page re-renders what changed every second: an element found a moment ago may be gone, so look again
    WebDriverWait wait = (WebDriverWait) new WebDriverWait(browser, Duration.ofSeconds(120), Duration.ofMillis(250))
        .ignoring(StaleElementReferenceException.class);

    // the member clusters, each in its tier's column, Healthy
    for (String name : clusters.names()) {
      String tier = name.substring(0, name.indexOf('-'));
      wait.withMessage(name + " Healthy in the " + tier + " column")
          .until(b -> !b.findElements(By.cssSelector("[data-tier='" + tier + "'] [data-cluster='" + name + "'][data-health='HEALTHY']")).isEmpty());
    }
    // Bookinfo Ready, placed where the CLI says, and why
    By bookinfoReady = By.cssSelector("tr[data-application='bookinfo'][data-phase='READY']");
    String row = wait.withMessage("bookinfo READY in the applications")
        .until(b -> b.findElements(bookinfoReady).isEmpty() ? null : b.findElement(bookinfoReady).getText());
    assertThat(row).contains(placedOn).contains("productpage");
    String card = wait.until(b -> b.findElement(By.cssSelector("[data-cluster='" + placedOn.getFirst() + "']")).getText());
    assertThat(card)
        .as("what Bookinfo's placement requests there").containsPattern("CPU: qonnect 0\\.[1-9]|CPU: qonnect [1-9]");
    wait.withMessage("a click on bookinfo's row").until(b -> {
      b.findElement(bookinfoReady).click();
      return true;
    });
    String explanation = wait.withMessage("bookinfo's explanation after a click")
        .until(b -> b.findElement(By.id("details-explanation")).isDisplayed() ? b.findElement(By.id("details-explanation")).getText() : null);
    assertThat(explanation).isNotBlank().contains(placedOn.getFirst());
    assertThat(browser.findElement(By.id("events")).getText()).contains("PlacementCommitted");
    screenshot();

    // drill reports the user picks are drawn as timelines, in the browser
    Path recovered = Files.writeString(federation.dir().resolve("isolate-cluster-1.json"), DRILL_RECOVERED);
    Path lost = Files.writeString(federation.dir().resolve("partition-2.json"), DRILL_NOT_RECOVERED);
    browser.findElement(By.id("drill-files")).sendKeys(recovered.toAbsolutePath() + "\n" + lost.toAbsolutePath());
    wait.withMessage("the two drill reports drawn").until(b -> b.findElements(By.cssSelector("#drill-timeline g[data-drill]")).size() == 2);
    assertThat(browser.findElement(By.cssSelector("#drill-timeline g[data-drill='isolate-cluster'][data-outcome='recovered']")).getText())
        .contains("isolate-cluster cloud-2 — recovered");
    assertThat(browser.findElements(By.cssSelector("#drill-timeline g[data-drill='isolate-cluster'] circle"))).as("detected").hasSize(1);
    assertThat(browser.findElement(By.cssSelector("#drill-timeline g[data-drill='partition']")).getText()).contains("not recovered");

    // a member cluster's API server stops: the page follows without a reload
    String stopped = placedOn.getFirst();
    clusters.testbed().stop(stopped);
    try {
      wait.withMessage(stopped + " no longer shown Healthy once its API server stopped")
          .until(b -> !b.findElements(By.cssSelector("[data-cluster='" + stopped + "']:not([data-health='HEALTHY'])")).isEmpty());
      wait.withMessage("the event of " + stopped + "'s verdict in the live events").until(b -> b.findElement(By.id("events")).getText().matches("(?s).*Cluster(Suspect|Failed).*" + stopped + ".*"));
      String stoppedCard = wait.until(b -> b.findElement(By.cssSelector("[data-cluster='" + stopped + "']")).getText());
      assertThat(stoppedCard).containsPattern("SUSPECT|FAILED");
    } finally {
      clusters.testbed().start(stopped);
    }
    // the testbed is shared with the other E2Es: leave it as found
    federation.qonnect("delete", "app", "bookinfo");
    for (String c : placedOn) {
      E2eFederation.await(c + " without bookinfo", () -> clusters.client(c).namespaces().withName("qonnect-bookinfo").get() == null);
    }
  }

  private static final String DRILL_RECOVERED = """
      {"drill": "isolate-cluster", "args": ["cloud-2"], "startedUnixMillis": 1796044174264,
       "intervalsSeconds": {"detected": 1.949, "committed": 3.404, "recovered": 5.269}, "outcome": "recovered",
       "timeline": [{"seconds": 0.0, "event": "injected isolate-cluster cloud-2"}, {"seconds": 1.949, "event": "ClusterSuspect cloud-2"}],
       "violations": []}
      """;
  private static final String DRILL_NOT_RECOVERED = """
      {"drill": "partition", "args": ["edge-1"], "startedUnixMillis": 1796044190329,
       "intervalsSeconds": {"detected": 2.1, "committed": null, "recovered": null}, "outcome": "not recovered",
       "timeline": [{"seconds": 0.0, "event": "injected partition edge-1"}], "violations": []}
      """;

  private JsonNode awaitReady() throws InterruptedException {
    return federation.awaitSettled("bookinfo", "placed", s -> true);
  }

  private static WebDriver chromium() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    // --no-sandbox: the test may run as root, where Chromium's sandbox refuses to start
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1100");
    return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build(), options);
  }

  private void screenshot() throws Exception {
    Path png = Path.of("target", "console.png");
    Files.write(png, ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
    String copy = System.getProperty("console.screenshot", "");
    if (!copy.isEmpty()) Files.copy(png, Path.of(copy), StandardCopyOption.REPLACE_EXISTING);
  }
}
