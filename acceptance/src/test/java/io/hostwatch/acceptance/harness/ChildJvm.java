package io.hostwatch.acceptance.harness;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@code java -jar} child process whose output goes to a log file under {@code target/}. */
public class ChildJvm implements Closeable {
    private final String name;
    private final Process process;
    private final Path log;

    protected ChildJvm(String name, List<String> prefix, List<String> jvmArgs, Path jar, List<String> args) {
        this.name = name;
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(args);
        try {
            Path dir = Path.of("target", "process-logs");
            Files.createDirectories(dir);
            this.log = dir.resolve(name + "-" + System.nanoTime() + ".log");
            this.process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    public static Path jar(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set (run through Maven)");
        }
        Path p = Path.of(value).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " does not exist: build with mvn package first");
        }
        return p;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** SIGKILL, and wait for the process to be gone. */
    public void kill9() {
        process.destroyForcibly();
        waitForExit(10);
    }

    /** SIGTERM; returns the exit code, or -1 when it did not exit within the timeout. */
    public int terminate(long seconds) {
        process.destroy();
        return waitForExit(seconds);
    }

    public void signal(String sig) {
        try {
            Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid())).inheritIO().start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("kill -" + sig + " " + pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int waitForExit(long seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        // A command prefix that forks would leave the JVM behind: end every descendant too.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            signal("CONT");
            process.destroyForcibly();
            waitForExit(10);
        }
    }
}
