package org.scmi.launcher.admin;

import java.util.function.UnaryOperator;
import org.osgi.service.metatype.AttributeDefinition;

/** A metatype attribute as an object class definition declares it, with its own validation. */
record TestAttribute(String id, int type, int cardinality, String[] options, String[] defaults, String description,
        UnaryOperator<String> validator) implements AttributeDefinition {

    /** An attribute without options or defaults whose validation accepts everything. */
    static TestAttribute of(String id, int type, int cardinality) {
        return new TestAttribute(id, type, cardinality, null, null, "the " + id, value -> null);
    }

    @Override
    public String getName() {
        return id;
    }

    @Override
    public String getID() {
        return id;
    }

    @Override
    public String getDescription() {
        return description;
    }

    @Override
    public int getCardinality() {
        return cardinality;
    }

    @Override
    public int getType() {
        return type;
    }

    @Override
    public String[] getOptionValues() {
        return options;
    }

    @Override
    public String[] getOptionLabels() {
        return options;
    }

    @Override
    public String validate(String value) {
        return validator.apply(value);
    }

    @Override
    public String[] getDefaultValue() {
        return defaults;
    }
}
