package dev.cairn.runner.api;

import java.nio.file.Path;
import java.util.List;

/** Several {@link MaterializedInput}s, in the order asked for; closing closes each of them. */
public record MaterializedInputs(List<MaterializedInput> inputs) implements AutoCloseable {

    public MaterializedInputs {
        inputs = List.copyOf(Checks.required(inputs, "inputs"));
    }

    /** The local files, in order. */
    public List<Path> paths() {
        return inputs.stream().map(MaterializedInput::path).toList();
    }

    /** Closes every input, even if one fails; the first failure is thrown with the rest suppressed. */
    @Override
    public void close() throws RunnerException {
        RunnerException first = null;
        for (MaterializedInput input : inputs) {
            try {
                input.close();
            } catch (RunnerException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
