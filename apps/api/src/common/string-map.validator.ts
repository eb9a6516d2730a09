import { registerDecorator, ValidationOptions } from 'class-validator';

/** An object whose keys match `keyPattern` and whose values are strings of at most `maxValue` characters (labels). */
export function IsStringMap(options: { keyPattern: RegExp; maxValue: number; maxEntries: number }, validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isStringMap',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return entries.length <= options.maxEntries && entries.every(([k, v]) => options.keyPattern.test(k) && typeof v === 'string' && v.length <= options.maxValue);
        },
        defaultMessage: () => `${propertyName} must map keys like ${options.keyPattern} to strings of at most ${options.maxValue} characters (at most ${options.maxEntries} entries)`,
      },
    });
}

/** An object of parameter name to string, number or boolean (checked further by the Galera allow-list). */
export function IsParameterMap(validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isParameterMap',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return entries.length <= 100 && entries.every(([, v]) => ['string', 'number', 'boolean'].includes(typeof v));
        },
        defaultMessage: () => `${propertyName} must be an object of parameter name to a string, number or boolean`,
      },
    });
}
