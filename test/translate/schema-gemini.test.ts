import {describe, expect, test} from 'vitest';
import {toGeminiSchema} from '../../source/proxy/translate/schema-gemini.js';

describe('Gemini tool-schema whitelist', () => {
	test('inlines $ref/$defs, drops unsupported keys, nullable from type arrays and anyOf', () => {
		const schema = {
			$schema: 'http://json-schema.org/draft-07/schema#',
			type: 'object',
			additionalProperties: false,
			strict: true,
			$defs: {item: {type: 'object', properties: {name: {type: 'string', format: 'uri'}}, required: ['name', 'ghost']}},
			properties: {
				items: {type: 'array', items: {$ref: '#/$defs/item'}},
				when: {type: ['string', 'null'], format: 'date-time'},
				mode: {anyOf: [{type: 'string', enum: ['a', 'b']}, {type: 'null'}]},
				tags: {type: 'array'},
				count: {type: 'integer', format: 'int64', minimum: 0, exclusiveMinimum: 0},
				kind: {const: 'fixed'},
				examples: {type: 'string', examples: ['x']},
			},
			required: ['items'],
		};
		expect(toGeminiSchema(schema)).toStrictEqual({
			type: 'object',
			properties: {
				items: {type: 'array', items: {type: 'object', properties: {name: {type: 'string'}}, required: ['name']}},
				when: {type: 'string', nullable: true, format: 'date-time'},
				mode: {type: 'string', nullable: true, enum: ['a', 'b']},
				tags: {type: 'array', items: {type: 'string'}},
				count: {type: 'integer', minimum: 0, format: 'int64'},
				kind: {type: 'string', enum: ['fixed']},
				examples: {type: 'string'},
			},
			required: ['items'],
		});
	});

	test('recursive references terminate', () => {
		const schema = {type: 'object', properties: {node: {$ref: '#/$defs/node'}}, $defs: {node: {type: 'object', properties: {child: {$ref: '#/$defs/node'}}}}};
		const cleaned = JSON.stringify(toGeminiSchema(schema));
		expect(cleaned).not.toContain('$ref');
		expect(cleaned.length).toBeLessThan(2000);
	});

	test('allOf merged; untyped items get a type', () => {
		expect(toGeminiSchema({allOf: [{type: 'object', properties: {a: {type: 'string'}}, required: ['a']}, {properties: {b: {type: 'array', items: {}}}}]})).toStrictEqual({
			type: 'object',
			properties: {a: {type: 'string'}, b: {type: 'array', items: {type: 'string'}}},
			required: ['a'],
		});
	});
});
