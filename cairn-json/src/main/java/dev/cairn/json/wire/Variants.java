package dev.cairn.json.wire;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Reflection over {@link WireEnum} families and {@link Transparent} records, computed once per class. */
final class Variants {

    /** The shape a variant record takes on the wire. */
    enum Shape {
        UNIT,
        NEWTYPE,
        STRUCT
    }

    /** One variant of a sealed family. */
    record Variant(String wireName, Class<?> type, Shape shape, Family family) {}

    /** A sealed interface annotated {@link WireEnum}, with its variants by wire name. */
    record Family(Class<?> type, String tag, Map<String, Variant> byName) {
        boolean internallyTagged() {
            return !tag.isEmpty();
        }

        String expected() {
            return String.join(
                    ", ", byName.keySet().stream().map(n -> "`" + n + "`").toList());
        }
    }

    private static final Map<Class<?>, Family> FAMILIES = new ConcurrentHashMap<>();
    private static final Map<Class<?>, Object> UNIT_INSTANCES = new ConcurrentHashMap<>();

    /** Record components per class, looked up once (reflection is slow on the read path). */
    private static final ClassValue<RecordComponent[]> COMPONENTS = new ClassValue<>() {
        @Override
        protected RecordComponent[] computeValue(Class<?> type) {
            return type.getRecordComponents();
        }
    };

    /** A record's canonical constructor, made accessible once. */
    private static final ClassValue<Constructor<?>> CANONICAL = new ClassValue<>() {
        @Override
        protected Constructor<?> computeValue(Class<?> record) {
            Class<?>[] types = Arrays.stream(record.getRecordComponents())
                    .map(RecordComponent::getType)
                    .toArray(Class<?>[]::new);
            try {
                Constructor<?> ctor = record.getDeclaredConstructor(types);
                ctor.setAccessible(true);
                return ctor;
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("cannot construct " + record.getName(), e);
            }
        }
    };

    private Variants() {}

    /** The family {@code type} is, if it is a sealed interface annotated {@link WireEnum}. */
    static Family familyOf(Class<?> type) {
        if (!type.isInterface() || !type.isSealed() || !type.isAnnotationPresent(WireEnum.class)) {
            return null;
        }
        return FAMILIES.computeIfAbsent(type, Variants::buildFamily);
    }

    /** The variant {@code type} is, if it is a record permitted by a {@link WireEnum} interface. */
    static Variant variantOf(Class<?> type) {
        if (!type.isRecord()) {
            return null;
        }
        for (Class<?> parent : type.getInterfaces()) {
            Family family = familyOf(parent);
            if (family != null) {
                for (Variant v : family.byName().values()) {
                    if (v.type() == type) {
                        return v;
                    }
                }
            }
        }
        return null;
    }

    private static Family buildFamily(Class<?> type) {
        WireEnum annotation = type.getAnnotation(WireEnum.class);
        Map<String, Variant> byName = new LinkedHashMap<>();
        Family family = new Family(type, annotation.tag(), byName);
        for (Class<?> permitted : type.getPermittedSubclasses()) {
            if (!permitted.isRecord()) {
                throw new IllegalStateException(type.getName() + " is a @WireEnum, so it may only permit records; "
                        + permitted.getName() + " is not one");
            }
            WireName rename = permitted.getAnnotation(WireName.class);
            String wireName =
                    rename != null ? rename.value() : annotation.variants().apply(permitted.getSimpleName());
            Shape shape = shapeOf(permitted);
            if (shape == Shape.NEWTYPE && family.internallyTagged()) {
                throw new IllegalStateException("internally tagged enum " + type.getName()
                        + " cannot have newtype variant " + permitted.getSimpleName());
            }
            if (byName.put(wireName, new Variant(wireName, permitted, shape, family)) != null) {
                throw new IllegalStateException("two variants of " + type.getName() + " are named " + wireName);
            }
        }
        return family;
    }

    private static Shape shapeOf(Class<?> record) {
        int components = record.getRecordComponents().length;
        if (components == 0) {
            return Shape.UNIT;
        }
        if (record.isAnnotationPresent(Transparent.class)) {
            return Shape.NEWTYPE;
        }
        return Shape.STRUCT;
    }

    /** The single instance of a record without components. */
    static Object unitInstance(Class<?> record) {
        return UNIT_INSTANCES.computeIfAbsent(record, r -> construct(r, new Object[0]));
    }

    /** The only component of a {@link Transparent} record. */
    static RecordComponent transparentComponent(Class<?> record) {
        RecordComponent[] components = COMPONENTS.get(record);
        if (components == null || components.length != 1) {
            throw new IllegalStateException(
                    "@Transparent needs a record of exactly one component: " + record.getName());
        }
        return components[0];
    }

    /** Calls a record's canonical constructor, rethrowing whatever the constructor threw. */
    static Object construct(Class<?> record, Object[] args) {
        try {
            return CANONICAL.get(record).newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + record.getName(), e);
        }
    }

    static Object component(RecordComponent component, Object record) {
        try {
            var accessor = component.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(record);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> names(Family family) {
        return List.copyOf(family.byName().keySet());
    }
}
