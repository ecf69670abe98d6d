package dev.cairn.cells;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Facts about the host and this JVM read from {@code /proc}. */
final class HostInfo {

    /** One line of {@code /proc/self/mountinfo}. */
    record Mount(Path root, Path mountPoint, String fsType, String superOptions) {}

    /** Soft and hard limit of one rlimit; {@link Long#MAX_VALUE} means unlimited. */
    record Limit(long soft, long hard) {}

    private static final Pattern LIMIT_LINE = Pattern.compile("^(Max [a-z ]+?)\\s{2,}(\\S+)\\s+(\\S+).*$");

    final int euid;
    final int egid;
    final Limit openFiles;
    final Limit processes;
    final Limit addressSpace;
    final Limit cpuTime;

    private HostInfo(int euid, int egid, Limit openFiles, Limit processes, Limit addressSpace, Limit cpuTime) {
        this.euid = euid;
        this.egid = egid;
        this.openFiles = openFiles;
        this.processes = processes;
        this.addressSpace = addressSpace;
        this.cpuTime = cpuTime;
    }

    boolean root() {
        return euid == 0;
    }

    static HostInfo read() {
        int euid = -1;
        int egid = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    euid = Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                } else if (line.startsWith("Gid:")) {
                    egid = Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read /proc/self/status: the cell runtime needs Linux /proc", e);
        }
        Limit nofile = new Limit(Long.MAX_VALUE, Long.MAX_VALUE);
        Limit nproc = nofile;
        Limit as = nofile;
        Limit cpu = nofile;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                Matcher m = LIMIT_LINE.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                Limit l = new Limit(parseLimit(m.group(2)), parseLimit(m.group(3)));
                switch (m.group(1).toLowerCase(Locale.ROOT)) {
                    case "max open files" -> nofile = l;
                    case "max processes" -> nproc = l;
                    case "max address space" -> as = l;
                    case "max cpu time" -> cpu = l;
                    default -> {}
                }
            }
        } catch (IOException e) {
            // keep "unlimited": prlimit itself reports a limit it cannot set
        }
        return new HostInfo(euid, egid, nofile, nproc, as, cpu);
    }

    private static long parseLimit(String s) {
        if (s.equals("unlimited")) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The mounts of this process's mount namespace. */
    static List<Mount> mounts() {
        List<Mount> mounts = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            return mounts;
        }
        for (String line : lines) {
            int sep = line.indexOf(" - ");
            if (sep < 0) {
                continue;
            }
            String[] left = line.substring(0, sep).split(" ");
            String[] right = line.substring(sep + 3).split(" ");
            if (left.length < 5 || right.length < 3) {
                continue;
            }
            mounts.add(new Mount(Path.of(unescape(left[3])), Path.of(unescape(left[4])), right[0], right[2]));
        }
        return mounts;
    }

    /** File-system type of the mount holding {@code path} (longest mount point prefix). */
    static String fsTypeOf(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Mount best = null;
        for (Mount m : mounts()) {
            if (abs.startsWith(m.mountPoint())
                    && (best == null
                            || m.mountPoint().getNameCount()
                                    >= best.mountPoint().getNameCount())) {
                best = m;
            }
        }
        return best == null ? "unknown" : best.fsType();
    }

    /** How many mount points lie at or below any of {@code prefixes}. */
    static int mountsUnder(List<Path> prefixes) {
        String raw;
        try {
            raw = Files.readString(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            return 0;
        }
        // fast path: a mount point field is preceded by a space and octal-escaped
        if (prefixes.stream().noneMatch(p -> raw.contains(" " + escape(p.toString())))) {
            return 0;
        }
        int n = 0;
        for (Mount m : mounts()) {
            for (Path p : prefixes) {
                if (m.mountPoint().startsWith(p)) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    /** The {@code prctl} syscall number of this architecture, or -1 when unknown. */
    static int prctlSyscall() {
        return switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> 157;
            case "aarch64", "riscv64", "loongarch64" -> 167;
            default -> -1;
        };
    }

    private static String escape(String s) {
        return s.replace("\\", "\\134")
                .replace(" ", "\\040")
                .replace("\t", "\\011")
                .replace("\n", "\\012");
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
