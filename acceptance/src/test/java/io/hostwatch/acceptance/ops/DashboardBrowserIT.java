package io.hostwatch.acceptance.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostwatch.acceptance.harness.AgentProcess;
import io.hostwatch.acceptance.harness.Cluster;
import io.hostwatch.acceptance.harness.ZooKeeperServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboard in a real headless Chromium against a real service and real agents: a killed
 * agent's tile turns {@code SERVICE_UNREACHABLE} while the page stays loaded (no reload), the
 * other tiles stay {@code RUNNING}, and a click shows the member's evidence and history; in a quiet
 * spell the page polls only the members that are not {@code RUNNING}, not the full list. Saves a
 * screenshot to {@code target/screenshots/dashboard.png}.
 */
@Timeout(360)
class DashboardBrowserIT {
    private static final String GROUP = "compute";

    @TempDir
    Path storage;
    @TempDir
    Path work;

    private static String tile(String host) {
        return "section.group[data-group='" + GROUP + "'] .tile[data-host='" + host + "']";
    }

    /**
     * One look at a tile, in one script: the page redraws its tiles every second, so an element
     * found by one WebDriver call may be gone by the next.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> look(ChromeDriver driver, String host) {
        return (Map<String, Object>) driver.executeScript("var t = document.querySelector(arguments[0]);"
                + "return t ? {state: t.getAttribute('data-state'), actionable: t.getAttribute('data-actionable'),"
                + " text: t.innerText} : {};", tile(host));
    }

    /** Requests the page made (as the browser's resource timing saw them) whose URL ends with {@code suffix}. */
    private static long requests(ChromeDriver driver, String suffix) {
        return (Long) driver.executeScript("var suffix = arguments[0]; return performance.getEntriesByType('resource')"
                + ".filter(function (e) { return e.name.endsWith(suffix); }).length;", suffix);
    }

    private static String tileState(ChromeDriver driver, String host) {
        return (String) look(driver, host).get("state");
    }

    @Test
    void aKilledAgentsTileTurnsServiceUnreachableWithoutAReload() throws Exception {
        Path target = Path.of("target", "screenshots");
        Files.createDirectories(target);
        try (TestingServer zk = ZooKeeperServers.start();
             Cluster c = new Cluster(zk.getConnectString(), storage, Map.of("detection.recheckInterval", "1s"));
             Browser browser = Browser.start(work, target.resolve("chromedriver.log"))) {
            List<AgentProcess> agents = c.agents(GROUP, List.of("compute-01", "compute-02", "compute-03"),
                    List.of("127.0.0.1", "127.0.0.1", "127.0.0.1"));
            ChromeDriver driver = browser.driver();
            driver.get(c.url() + "/ui");
            assertThat(driver.getCurrentUrl()).endsWith("/ui/");
            await("tiles RUNNING").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> List.of("compute-01", "compute-02", "compute-03").stream()
                            .allMatch(h -> "RUNNING".equals(tileState(driver, h))));
            assertThat(driver.findElement(By.id("epoch")).getText()).isNotEqualTo("?");
            // A mark on this very page: a reload would lose it.
            driver.executeScript("window.hostwatchTestMark = 'same page';");

            agents.get(1).kill9();
            await("tile SERVICE_UNREACHABLE").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> "SERVICE_UNREACHABLE".equals(tileState(driver, "compute-02")));

            assertThat(driver.executeScript("return window.hostwatchTestMark;")).isEqualTo("same page");
            assertThat(tileState(driver, "compute-01")).isEqualTo("RUNNING");
            assertThat(tileState(driver, "compute-03")).isEqualTo("RUNNING");
            Map<String, Object> tile = look(driver, "compute-02");
            assertThat(tile.get("actionable")).isEqualTo("false");
            assertThat((String) tile.get("text")).contains("compute-02", "SERVICE_UNREACHABLE", "since");

            driver.executeScript("document.querySelector(arguments[0]).click();", tile("compute-02"));
            await("detail").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .ignoreException(StaleElementReferenceException.class).until(() ->
                    driver.findElement(By.id("detail-title")).getText().contains("compute-02")
                            && driver.findElements(By.cssSelector("#history tbody tr")).size() >= 2);
            String detail = driver.findElement(By.id("detail")).getText();
            assertThat(detail).contains("SERVICE_UNREACHABLE", "storage", "STALE", "ping", "OK");
            assertThat(driver.findElement(By.id("error")).isDisplayed()).isFalse();

            // A quiet spell: each poll reads only what is not RUNNING, not the group's full member list.
            // Full lists are then read only by the page's periodic refresh (every 30 s), however slow the polls.
            long quietFrom = System.nanoTime();
            driver.executeScript("performance.setResourceTimingBufferSize(100000); performance.clearResourceTimings();");
            await("light polls").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> requests(driver, "/v1/groups/" + GROUP + "/members?except=RUNNING") >= 5);
            long full = requests(driver, "/v1/groups/" + GROUP + "/members");
            long quietSeconds = Duration.ofNanos(System.nanoTime() - quietFrom).toSeconds();
            assertThat(full).as("full member lists read in %d s of quiet", quietSeconds)
                    .isLessThanOrEqualTo(1 + quietSeconds / 30);
            assertThat(tileState(driver, "compute-02")).isEqualTo("SERVICE_UNREACHABLE");
            assertThat(tileState(driver, "compute-01")).isEqualTo("RUNNING");

            Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, target.resolve("dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
