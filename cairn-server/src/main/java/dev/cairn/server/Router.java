package dev.cairn.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The route table: method and path template ({@code /v1/runs/{runId}}) to handler and access rule.
 * Templates match whole segments; a {@code {name}} segment matches any one non-empty segment and is
 * percent-decoded. A path that matches a template with other methods is a wrong method, not an
 * unknown route.
 */
final class Router {

    /** One route. */
    record Route(String method, String template, Access access, RouteHandler handler) {
        Route {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(template, "template");
            Objects.requireNonNull(access, "access");
            Objects.requireNonNull(handler, "handler");
        }

        /** {@code GET /v1/runs/{runId}}: how messages and metrics name the route. */
        String label() {
            return method + " " + template;
        }
    }

    /** What a request resolves to. */
    sealed interface Resolution {
        record Found(Route route, Map<String, String> params) implements Resolution {}

        record WrongMethod(List<String> allowed) implements Resolution {}

        record NotFound() implements Resolution {}
    }

    private final List<Route> routes = new ArrayList<>();

    Router add(String method, String template, Access access, RouteHandler handler) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("a template starts with /: " + template);
        }
        for (Route route : routes) {
            if (route.method().equals(method) && route.template().equals(template)) {
                throw new IllegalArgumentException("route defined twice: " + method + " " + template);
            }
        }
        routes.add(new Route(method, template, access, handler));
        return this;
    }

    List<Route> routes() {
        return List.copyOf(routes);
    }

    Resolution resolve(String method, String rawPath) {
        String[] segments = split(rawPath);
        TreeSet<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            Map<String, String> params = match(split(route.template()), segments);
            if (params == null) {
                continue;
            }
            if (route.method().equals(method)) {
                return new Resolution.Found(route, params);
            }
            allowed.add(route.method());
        }
        return allowed.isEmpty() ? new Resolution.NotFound() : new Resolution.WrongMethod(List.copyOf(allowed));
    }

    private static String[] split(String path) {
        if (path.isEmpty() || path.charAt(0) != '/') {
            return null;
        }
        return path.substring(1).split("/", -1);
    }

    private static Map<String, String> match(String[] template, String[] path) {
        if (path == null || template.length != path.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{") && t.endsWith("}")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                String value = decode(path[i]);
                if (value == null) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), value);
            } else if (!t.equals(path[i])) {
                return null;
            }
        }
        return params;
    }

    /** Percent-decoding of a path segment ({@code +} is a plus here); {@code null} when malformed. */
    private static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
