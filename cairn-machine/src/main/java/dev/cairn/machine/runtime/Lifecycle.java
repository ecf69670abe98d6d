package dev.cairn.machine.runtime;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A lifecycle as a transition table (STYLE rule 4): an enum of states and the one table of moves the
 * engine may make between them. The engine asks the table before every move, so a move that is not
 * in the table is a bug that fails loudly instead of corrupting a run.
 *
 * @param <S> the state enum
 */
public final class Lifecycle<S extends Enum<S>> {

    /** One allowed move. */
    public record Move<S extends Enum<S>>(S from, S to) {
        public Move {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        @Override
        public String toString() {
            return from + " -> " + to;
        }
    }

    private final String name;
    private final Map<S, Set<S>> table;
    private final Set<Move<S>> moves;

    private Lifecycle(String name, Class<S> type, Map<S, Set<S>> table) {
        this.name = name;
        EnumMap<S, Set<S>> copy = new EnumMap<>(type);
        java.util.LinkedHashSet<Move<S>> all = new java.util.LinkedHashSet<>();
        for (Map.Entry<S, Set<S>> row : table.entrySet()) {
            copy.put(row.getKey(), Collections.unmodifiableSet(EnumSet.copyOf(row.getValue())));
            for (S to : row.getValue()) {
                all.add(new Move<>(row.getKey(), to));
            }
        }
        this.table = Collections.unmodifiableMap(copy);
        this.moves = Collections.unmodifiableSet(all);
    }

    /** A builder for the table of {@code type}'s moves. */
    public static <S extends Enum<S>> Builder<S> builder(String name, Class<S> type) {
        return new Builder<>(name, type);
    }

    /** The lifecycle's name, e.g. {@code run} or {@code attempt}. */
    public String name() {
        return name;
    }

    /** Every allowed move, in table order. */
    public Set<Move<S>> moves() {
        return moves;
    }

    /** Whether {@code from -> to} is in the table. */
    public boolean allows(S from, S to) {
        Set<S> targets = table.get(from);
        return targets != null && targets.contains(to);
    }

    /**
     * Checks {@code from -> to} against the table.
     *
     * @throws IllegalStateException when the move is not in the table (an engine bug)
     */
    public Move<S> check(S from, S to) {
        if (!allows(from, to)) {
            throw new IllegalStateException(name + " lifecycle does not allow " + from + " -> " + to);
        }
        return new Move<>(from, to);
    }

    /** Builds a {@link Lifecycle}. */
    public static final class Builder<S extends Enum<S>> {
        private final String name;
        private final Class<S> type;
        private final EnumMap<S, Set<S>> table;

        private Builder(String name, Class<S> type) {
            this.name = Objects.requireNonNull(name, "name");
            this.type = Objects.requireNonNull(type, "type");
            this.table = new EnumMap<>(type);
        }

        /** Allows {@code from -> to} for every {@code to} given. */
        @SafeVarargs
        public final Builder<S> allow(S from, S... to) {
            Set<S> targets = table.computeIfAbsent(from, k -> EnumSet.noneOf(type));
            for (S t : to) {
                targets.add(t);
            }
            return this;
        }

        public Lifecycle<S> build() {
            return new Lifecycle<>(name, type, table);
        }
    }
}
