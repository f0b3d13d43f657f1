import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EventPattern, matchesPattern, validatePattern } from '../../shared/domain/event-pattern.js';

/** the EC2 state-change event used throughout the EventBridge user guide */
const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const matches = (pattern: EventPattern, event: unknown) => matchesPattern(pattern, event);
const errorsOf = (pattern: unknown): string[] => {
  const result = validatePattern(pattern);
  return result.valid ? [] : result.errors;
};

describe('exact matching, AND over fields, OR over values', () => {
  it('matches the EC2 termination pattern from the documentation', () => {
    const pattern: EventPattern = {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    };
    expect(matches(pattern, ec2Event)).toBe(true);
    expect(matches(pattern, { ...ec2Event, detail: { state: 'running' } })).toBe(false);
    expect(matches(pattern, { ...ec2Event, source: 'aws.s3' })).toBe(false);
  });

  it('a leaf array is an OR over its values', () => {
    const pattern: EventPattern = { detail: { state: ['running', 'terminated'] } };
    expect(matches(pattern, ec2Event)).toBe(true);
    expect(matches(pattern, { detail: { state: 'running' } })).toBe(true);
    expect(matches(pattern, { detail: { state: 'pending' } })).toBe(false);
  });

  it('every field must match (AND)', () => {
    const pattern: EventPattern = { Location: ['New York'], Day: ['Monday'] };
    expect(matches(pattern, { Location: 'New York', Day: 'Monday' })).toBe(true);
    expect(matches(pattern, { Location: 'New York', Day: 'Tuesday' })).toBe(false);
    expect(matches(pattern, { Location: 'New York' })).toBe(false);
  });

  it('is case-sensitive and type-strict', () => {
    expect(matches({ Name: ['Alice'] }, { Name: 'alice' })).toBe(false);
    expect(matches({ Price: [100] }, { Price: '100' })).toBe(false);
    expect(matches({ Price: ['100'] }, { Price: 100 })).toBe(false);
    expect(matches({ Price: [100] }, { Price: 100.0 })).toBe(true);
    expect(matches({ Price: [301.5] }, JSON.parse('{"Price": 3.015e2}'))).toBe(true);
  });

  it('matches booleans, null and the empty string', () => {
    expect(matches({ flag: [true] }, { flag: true })).toBe(true);
    expect(matches({ flag: [true] }, { flag: 'true' })).toBe(false);
    expect(matches({ UserID: [null] }, { UserID: null })).toBe(true);
    expect(matches({ UserID: [null] }, {})).toBe(false);
    expect(matches({ UserID: [null] }, { UserID: '' })).toBe(false);
    expect(matches({ LastName: [''] }, { LastName: '' })).toBe(true);
    expect(matches({ LastName: [''] }, { LastName: null })).toBe(false);
  });

  it('a missing field never matches a value', () => {
    expect(matches({ detail: { state: ['terminated'] } }, { source: 'aws.ec2' })).toBe(false);
    expect(matches({ detail: { state: ['terminated'] } }, null)).toBe(false);
    expect(matches({ detail: { state: ['terminated'] } }, 'terminated')).toBe(false);
  });

  it('does not read inherited properties', () => {
    expect(matches({ constructor: [{ exists: true }] }, {})).toBe(false);
    expect(matches({ toString: [{ exists: false }] }, {})).toBe(true);
  });
});

describe('nested objects', () => {
  it('requires the same nesting in the event', () => {
    const pattern: EventPattern = { detail: { data: { kind: ['a'] } } };
    expect(matches(pattern, { detail: { data: { kind: 'a' } } })).toBe(true);
    expect(matches(pattern, { detail: { kind: 'a' } })).toBe(false);
    expect(matches(pattern, { detail: { data: 'a' } })).toBe(false);
    expect(matches(pattern, { data: { kind: 'a' } })).toBe(false);
  });

  it('a leaf array does not match an object value', () => {
    expect(matches({ detail: ['terminated'] }, ec2Event)).toBe(false);
  });
});

describe('arrays in events', () => {
  it('matches when the pattern and event arrays intersect (documentation example)', () => {
    const pattern: EventPattern = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };
    const event = {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };
    expect(matches(pattern, event)).toBe(true);
    expect(matches(pattern, { resources: ['arn:aws:s3:::bucket'] })).toBe(false);
    expect(matches(pattern, { resources: [] })).toBe(false);
  });

  it('applies operators to every element', () => {
    expect(matches({ tags: [{ prefix: 'env:' }] }, { tags: ['team:a', 'env:prod'] })).toBe(true);
    expect(matches({ n: [{ numeric: ['>', 10] }] }, { n: [1, 2, 30] })).toBe(true);
    expect(matches({ n: [{ numeric: ['>', 10] }] }, { n: [1, 2, 3] })).toBe(false);
  });

  it('matches a nested pattern against any element of an array of objects, within one element', () => {
    const pattern: EventPattern = { items: { kind: ['file'], size: [{ numeric: ['>', 100] }] } };
    expect(
      matches(pattern, {
        items: [
          { kind: 'dir', size: 1 },
          { kind: 'file', size: 500 },
        ],
      }),
    ).toBe(true);
    // kind and size satisfied only by different elements
    expect(
      matches(pattern, {
        items: [
          { kind: 'file', size: 1 },
          { kind: 'dir', size: 500 },
        ],
      }),
    ).toBe(false);
  });
});

describe('prefix', () => {
  it('matches strings that start with the prefix (documentation example)', () => {
    const pattern: EventPattern = { time: [{ prefix: '2017-10-02' }] };
    expect(matches(pattern, { time: '2017-10-02T18:43:48Z' })).toBe(true);
    expect(matches(pattern, { time: '2017-10-03T18:43:48Z' })).toBe(false);
    expect(matches(pattern, { time: '2017-10-0' })).toBe(false);
  });

  it('only matches strings', () => {
    expect(matches({ code: [{ prefix: '12' }] }, { code: 123 })).toBe(false);
    expect(matches({ code: [{ prefix: '' }] }, { code: null })).toBe(false);
  });

  it('with equals-ignore-case ignores the case of the prefix (documentation example)', () => {
    const pattern: EventPattern = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };
    for (const service of ['EventBridge', 'EVENTBRIDGE', 'eventbridge', 'eVeNtB']) {
      expect(matches(pattern, { detail: { service } })).toBe(true);
    }
    expect(matches(pattern, { detail: { service: 'Event-Bridge' } })).toBe(false);
    expect(
      matches({ detail: { service: [{ prefix: 'EventB' }] } }, { detail: { service: 'eventbridge' } }),
    ).toBe(false);
  });
});

describe('suffix', () => {
  it('matches strings that end with the suffix (documentation example)', () => {
    const pattern: EventPattern = { FileName: [{ suffix: '.png' }] };
    expect(matches(pattern, { FileName: 'image.png' })).toBe(true);
    expect(matches(pattern, { FileName: 'image.PNG' })).toBe(false);
    expect(matches(pattern, { FileName: 'image.png.txt' })).toBe(false);
  });

  it('with equals-ignore-case ignores the case of the suffix (documentation example)', () => {
    const pattern: EventPattern = { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } };
    expect(matches(pattern, { detail: { FileName: 'image.PNG' } })).toBe(true);
    expect(matches(pattern, { detail: { FileName: 'image.Png' } })).toBe(true);
    expect(matches(pattern, { detail: { FileName: 'image.jpg' } })).toBe(false);
  });
});

describe('equals-ignore-case', () => {
  it('matches regardless of case (documentation example)', () => {
    const pattern: EventPattern = { Name: [{ 'equals-ignore-case': 'alice' }] };
    expect(matches(pattern, { Name: 'Alice' })).toBe(true);
    expect(matches(pattern, { Name: 'ALICE' })).toBe(true);
    expect(matches(pattern, { Name: 'Alicia' })).toBe(false);
    expect(matches(pattern, {})).toBe(false);
  });
});

describe('anything-but', () => {
  it('with a string or a number (documentation examples)', () => {
    const state: EventPattern = { detail: { state: [{ 'anything-but': 'initializing' }] } };
    expect(matches(state, { detail: { state: 'stopped' } })).toBe(true);
    expect(matches(state, { detail: { state: 'initializing' } })).toBe(false);
    const limit: EventPattern = { detail: { 'x-limit': [{ 'anything-but': 123 }] } };
    expect(matches(limit, { detail: { 'x-limit': 456 } })).toBe(true);
    expect(matches(limit, { detail: { 'x-limit': 123 } })).toBe(false);
  });

  it('with a list of strings or of numbers (documentation examples)', () => {
    const state: EventPattern = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    expect(matches(state, { detail: { state: 'running' } })).toBe(true);
    expect(matches(state, { detail: { state: 'stopped' } })).toBe(false);
    expect(matches(state, { detail: { state: 'overloaded' } })).toBe(false);
    const limit: EventPattern = { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } };
    expect(matches(limit, { detail: { 'x-limit': 150 } })).toBe(true);
    expect(matches(limit, { detail: { 'x-limit': 200 } })).toBe(false);
  });

  it('does not match a missing field', () => {
    expect(matches({ detail: { state: [{ 'anything-but': 'initializing' }] } }, { detail: {} })).toBe(false);
    expect(matches({ detail: { state: [{ 'anything-but': 'initializing' }] } }, {})).toBe(false);
  });

  it('on an event array, matches when some element is not excluded', () => {
    const pattern: EventPattern = { tags: [{ 'anything-but': 'x' }] };
    expect(matches(pattern, { tags: ['x', 'y'] })).toBe(true);
    expect(matches(pattern, { tags: ['x', 'x'] })).toBe(false);
    expect(matches(pattern, { tags: [] })).toBe(false);
  });

  it('with prefix (documentation example)', () => {
    const pattern: EventPattern = { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } };
    expect(matches(pattern, { detail: { state: 'running' } })).toBe(true);
    expect(matches(pattern, { detail: { state: 'initializing' } })).toBe(false);
    const region: EventPattern = { Region: [{ 'anything-but': { prefix: 'us-' } }] };
    expect(matches(region, { Region: 'eu-west-1' })).toBe(true);
    expect(matches(region, { Region: 'us-east-1' })).toBe(false);
  });

  it('with suffix (documentation example)', () => {
    const pattern: EventPattern = { detail: { path: [{ 'anything-but': { suffix: '.txt' } }] } };
    expect(matches(pattern, { detail: { path: '/data/file.csv' } })).toBe(true);
    expect(matches(pattern, { detail: { path: '/data/file.txt' } })).toBe(false);
  });

  it('with equals-ignore-case, a string or a list (documentation example)', () => {
    const one: EventPattern = {
      detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
    };
    expect(matches(one, { detail: { state: 'running' } })).toBe(true);
    expect(matches(one, { detail: { state: 'INITIALIZING' } })).toBe(false);
    const list: EventPattern = {
      detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] },
    };
    expect(matches(list, { detail: { state: 'Running' } })).toBe(true);
    expect(matches(list, { detail: { state: 'Stopped' } })).toBe(false);
  });

  it('with wildcard, a string or a list (documentation example)', () => {
    const one: EventPattern = { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] };
    expect(matches(one, { FilePath: '/usr/bin/node' })).toBe(true);
    expect(matches(one, { FilePath: '/usr/lib/node' })).toBe(false);
    const list: EventPattern = { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] };
    expect(matches(list, { FilePath: '/usr/share/doc' })).toBe(true);
    expect(matches(list, { FilePath: '/usr/bin/node' })).toBe(false);
  });
});

describe('numeric', () => {
  it('matches a range (documentation example)', () => {
    const pattern: EventPattern = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    const event = { detail: { 'c-count': 5, 'd-count': 7, 'x-limit': 301.8 } };
    expect(matches(pattern, event)).toBe(true);
    expect(matches(pattern, { detail: { ...event.detail, 'c-count': 0 } })).toBe(false);
    expect(matches(pattern, { detail: { ...event.detail, 'c-count': 5.0001 } })).toBe(false);
    expect(matches(pattern, { detail: { ...event.detail, 'd-count': 10 } })).toBe(false);
    expect(matches(pattern, { detail: { ...event.detail, 'x-limit': 301 } })).toBe(false);
  });

  it('bounds are inclusive or exclusive as written', () => {
    expect(matches({ v: [{ numeric: ['>=', 1, '<', 2] }] }, { v: 1 })).toBe(true);
    expect(matches({ v: [{ numeric: ['>=', 1, '<', 2] }] }, { v: 2 })).toBe(false);
    expect(matches({ v: [{ numeric: ['>', 1] }] }, { v: 1 })).toBe(false);
    expect(matches({ v: [{ numeric: ['<=', -1] }] }, { v: -1 })).toBe(true);
  });

  it('only matches JSON numbers', () => {
    expect(matches({ v: [{ numeric: ['>', 0] }] }, { v: '5' })).toBe(false);
    expect(matches({ v: [{ numeric: ['>', 0] }] }, { v: true })).toBe(false);
    expect(matches({ v: [{ numeric: ['>', 0] }] }, {})).toBe(false);
  });
});

describe('exists', () => {
  it('exists: true matches a present field, exists: false an absent one (documentation example)', () => {
    const present: EventPattern = { detail: { state: [{ exists: true }] } };
    const absent: EventPattern = { detail: { state: [{ exists: false }] } };
    expect(matches(present, ec2Event)).toBe(true);
    expect(matches(absent, ec2Event)).toBe(false);
    const noState = { ...ec2Event, detail: { 'instance-id': 'i-1' } };
    expect(matches(present, noState)).toBe(false);
    expect(matches(absent, noState)).toBe(true);
    // the enclosing object is missing altogether
    expect(matches(absent, { source: 'aws.ec2' })).toBe(true);
  });

  it('counts null, false, 0 and the empty string as present', () => {
    for (const value of [null, false, 0, '']) {
      expect(matches({ v: [{ exists: true }] }, { v: value })).toBe(true);
      expect(matches({ v: [{ exists: false }] }, { v: value })).toBe(false);
    }
  });

  it('only looks at leaf values: an object-valued field does not exist', () => {
    expect(matches({ detail: [{ exists: true }] }, ec2Event)).toBe(false);
    expect(matches({ detail: [{ exists: false }] }, ec2Event)).toBe(true);
  });

  it('an array exists when it has a leaf element', () => {
    expect(matches({ resources: [{ exists: true }] }, ec2Event)).toBe(true);
    expect(matches({ resources: [{ exists: true }] }, { resources: [] })).toBe(false);
    expect(matches({ resources: [{ exists: false }] }, { resources: [] })).toBe(true);
  });

  it('combines with other alternatives', () => {
    const pattern: EventPattern = { state: ['running', { exists: false }] };
    expect(matches(pattern, { state: 'running' })).toBe(true);
    expect(matches(pattern, {})).toBe(true);
    expect(matches(pattern, { state: 'stopped' })).toBe(false);
  });
});

describe('wildcard', () => {
  it('matches with stars anywhere (documentation examples)', () => {
    const png: EventPattern = { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] };
    expect(matches(png, { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' })).toBe(
      true,
    );
    expect(matches(png, { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/default' })).toBe(
      false,
    );
    const dir: EventPattern = { FilePath: [{ wildcard: 'dir/*.png' }] };
    expect(matches(dir, { FilePath: 'dir/image.png' })).toBe(true);
    expect(matches(dir, { FilePath: 'dir/sub/image.png' })).toBe(true);
    expect(matches(dir, { FilePath: 'other/image.png' })).toBe(false);
    expect(matches(dir, { FilePath: 'dir/image.jpg' })).toBe(false);
    const title: EventPattern = { t: [{ wildcard: '*Title*' }] };
    expect(matches(title, { t: 'A Title here' })).toBe(true);
    expect(matches(title, { t: 'Title' })).toBe(true);
    expect(matches(title, { t: 'title' })).toBe(false);
  });

  it('a star can match the empty string, and segments must not overlap', () => {
    expect(matches({ v: [{ wildcard: 'a*b*c' }] }, { v: 'abc' })).toBe(true);
    expect(matches({ v: [{ wildcard: 'ab*ba' }] }, { v: 'aba' })).toBe(false);
    expect(matches({ v: [{ wildcard: 'ab*ba' }] }, { v: 'abba' })).toBe(true);
  });

  it('\\* is a literal star', () => {
    const pattern: EventPattern = { v: [{ wildcard: 'a\\*b' }] };
    expect(matches(pattern, { v: 'a*b' })).toBe(true);
    expect(matches(pattern, { v: 'axb' })).toBe(false);
    expect(matches({ v: [{ wildcard: 'a\\\\*' }] }, { v: 'a\\anything' })).toBe(true);
  });

  it('only matches strings', () => {
    expect(matches({ v: [{ wildcard: '*' }] }, { v: 1 })).toBe(false);
    expect(matches({ v: [{ wildcard: '*' }] }, { v: '' })).toBe(true);
  });
});

describe('cidr', () => {
  it('matches IPv4 addresses in the block (documentation example)', () => {
    const pattern: EventPattern = { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } };
    expect(matches(pattern, { detail: { sourceIPAddress: '10.0.0.255' } })).toBe(true);
    expect(matches(pattern, { detail: { sourceIPAddress: '10.0.1.1' } })).toBe(false);
    expect(matches(pattern, { detail: { sourceIPAddress: 'not an ip' } })).toBe(false);
    expect(matches(pattern, { detail: { sourceIPAddress: '10.0.0.256' } })).toBe(false);
  });

  it('handles /32, /0 and odd prefix lengths', () => {
    expect(matches({ ip: [{ cidr: '192.168.1.7/32' }] }, { ip: '192.168.1.7' })).toBe(true);
    expect(matches({ ip: [{ cidr: '192.168.1.7/32' }] }, { ip: '192.168.1.8' })).toBe(false);
    expect(matches({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '8.8.8.8' })).toBe(true);
    expect(matches({ ip: [{ cidr: '172.16.0.0/12' }] }, { ip: '172.31.255.1' })).toBe(true);
    expect(matches({ ip: [{ cidr: '172.16.0.0/12' }] }, { ip: '172.32.0.1' })).toBe(false);
  });

  it('matches IPv6 addresses and keeps the families apart', () => {
    const pattern: EventPattern = { ip: [{ cidr: '2001:db8::/32' }] };
    expect(matches(pattern, { ip: '2001:db8:0:0:1::1' })).toBe(true);
    expect(matches(pattern, { ip: '2001:db9::1' })).toBe(false);
    expect(matches(pattern, { ip: '10.0.0.1' })).toBe(false);
    expect(matches({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '::1' })).toBe(false);
  });
});

describe('$or', () => {
  it('matches when any branch matches (documentation example)', () => {
    const pattern: EventPattern = {
      detail: {
        $or: [
          { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
          { 'd-count': [{ numeric: ['<', 10] }] },
          { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
        ],
      },
    };
    expect(matches(pattern, { detail: { 'c-count': 3 } })).toBe(true);
    expect(matches(pattern, { detail: { 'd-count': 2, 'c-count': 9 } })).toBe(true);
    expect(matches(pattern, { detail: { 'x-limit': 301.8 } })).toBe(true);
    expect(matches(pattern, { detail: { 'c-count': 9, 'd-count': 10 } })).toBe(false);
    expect(matches(pattern, {})).toBe(false);
  });

  it('is ANDed with sibling fields and works at the top level', () => {
    const pattern: EventPattern = {
      source: ['aws.ec2'],
      $or: [
        { 'detail-type': ['EC2 Instance State-change Notification'] },
        { detail: { state: ['pending'] } },
      ],
    };
    expect(matches(pattern, ec2Event)).toBe(true);
    expect(matches(pattern, { ...ec2Event, 'detail-type': 'Other' })).toBe(false);
    expect(matches(pattern, { ...ec2Event, 'detail-type': 'Other', detail: { state: 'pending' } })).toBe(
      true,
    );
    expect(matches(pattern, { ...ec2Event, source: 'aws.s3' })).toBe(false);
  });

  it('nests', () => {
    const pattern: EventPattern = {
      $or: [{ a: ['1'] }, { $or: [{ b: ['2'] }, { c: { d: [{ prefix: 'x' }] } }] }],
    };
    expect(matches(pattern, { a: '1' })).toBe(true);
    expect(matches(pattern, { b: '2' })).toBe(true);
    expect(matches(pattern, { c: { d: 'xy' } })).toBe(true);
    expect(matches(pattern, { c: { d: 'yx' } })).toBe(false);
  });
});

describe('cross-province forwarding rule', () => {
  const pattern: EventPattern = {
    source: ['green-channel.JS'],
    'detail-type': ['ItemApproved', 'ProjectShared'],
    detail: { data: { partnerProvinces: ['ZJ'] } },
  };
  const event = {
    id: 'e-1',
    source: 'green-channel.JS',
    'detail-type': 'ProjectShared',
    time: '2025-03-01T08:00:00Z',
    detail: { id: 'e-1', type: 'ProjectShared', version: 1, data: { partnerProvinces: ['SH', 'ZJ'] } },
  };

  it('is a valid pattern', () => {
    expect(validatePattern(pattern)).toEqual({ valid: true });
  });

  it('forwards an own event that names the partner', () => {
    expect(matches(pattern, event)).toBe(true);
    expect(matches(pattern, { ...event, 'detail-type': 'ItemApproved' })).toBe(true);
  });

  it('does not forward a partner’s event (no loops), another type, or one not naming the partner', () => {
    expect(matches(pattern, { ...event, source: 'green-channel.ZJ' })).toBe(false);
    expect(matches(pattern, { ...event, 'detail-type': 'CaseAccepted' })).toBe(false);
    expect(
      matches(pattern, { ...event, detail: { ...event.detail, data: { partnerProvinces: ['SH'] } } }),
    ).toBe(false);
    expect(matches(pattern, { ...event, detail: { ...event.detail, data: {} } })).toBe(false);
  });
});

describe('validatePattern', () => {
  it('accepts the documented operators', () => {
    const pattern = {
      source: ['aws.ec2', null, 5, true, ''],
      detail: {
        a: [{ prefix: 'x' }, { prefix: { 'equals-ignore-case': 'x' } }, { prefix: '' }],
        b: [{ suffix: '.png' }, { suffix: { 'equals-ignore-case': '.png' } }],
        c: [{ 'equals-ignore-case': 'alice' }, { wildcard: 'dir/*.png' }, { wildcard: 'a\\*b' }],
        d: [
          { 'anything-but': 'x' },
          { 'anything-but': 1 },
          { 'anything-but': ['x', 'y'] },
          { 'anything-but': [1, 2] },
          { 'anything-but': { prefix: 'init' } },
          { 'anything-but': { suffix: '.txt' } },
          { 'anything-but': { 'equals-ignore-case': ['a', 'b'] } },
          { 'anything-but': { wildcard: '*/lib/*' } },
        ],
        e: [{ numeric: ['>', 0, '<=', 5] }, { numeric: ['=', 3.018e2] }, { numeric: ['<', 10] }],
        f: [{ exists: true }, { exists: false }],
        g: [{ cidr: '10.0.0.0/24' }, { cidr: '2001:db8::/32' }],
        $or: [{ h: ['1'] }, { i: { j: ['2'] } }],
      },
    };
    expect(validatePattern(pattern)).toEqual({ valid: true });
  });

  it.each([
    ['a non-object pattern', ['x']],
    ['null', null],
    ['an empty pattern', {}],
    ['an empty nested object', { detail: {} }],
    ['a non-array leaf', { source: 'aws.ec2' }],
    ['a numeric leaf', { count: 5 }],
    ['an empty leaf array', { source: [] }],
    ['a nested array in a leaf', { source: [['a']] }],
    ['an unknown operator', { source: [{ contains: 'x' }] }],
    ['an operator object with two keys', { source: [{ prefix: 'a', suffix: 'b' }] }],
    ['an empty operator object', { source: [{}] }],
    ['a non-string prefix', { source: [{ prefix: 5 }] }],
    ['prefix with an unknown option', { source: [{ prefix: { 'ignore-case': 'x' } }] }],
    ['a non-boolean exists', { source: [{ exists: 'true' }] }],
    ['a numeric with an unknown operator', { n: [{ numeric: ['!=', 5] }] }],
    ['a numeric with a non-number operand', { n: [{ numeric: ['>', '5'] }] }],
    ['a numeric with odd length', { n: [{ numeric: ['>', 0, '<'] }] }],
    ['a numeric with the upper bound first', { n: [{ numeric: ['<', 5, '>', 0] }] }],
    ['a numeric range with two lower bounds', { n: [{ numeric: ['>', 0, '>=', 5] }] }],
    ['a numeric with = in a range', { n: [{ numeric: ['=', 0, '<', 5] }] }],
    ['an empty numeric range', { n: [{ numeric: ['>', 5, '<', 5] }] }],
    ['a numeric that is not an array', { n: [{ numeric: 5 }] }],
    ['anything-but with a mixed list', { s: [{ 'anything-but': ['a', 1] }] }],
    ['anything-but with an empty list', { s: [{ 'anything-but': [] }] }],
    ['anything-but null', { s: [{ 'anything-but': null }] }],
    ['anything-but a boolean', { s: [{ 'anything-but': true }] }],
    ['anything-but numeric', { s: [{ 'anything-but': { numeric: ['>', 1] } }] }],
    ['anything-but exists', { s: [{ 'anything-but': { exists: true } }] }],
    ['anything-but prefix with a list', { s: [{ 'anything-but': { prefix: ['a'] } }] }],
    [
      'anything-but equals-ignore-case with a number',
      { s: [{ 'anything-but': { 'equals-ignore-case': 1 } }] },
    ],
    ['consecutive wildcards', { s: [{ wildcard: 'a**b' }] }],
    ['an invalid wildcard escape', { s: [{ wildcard: 'a\\b' }] }],
    ['a bad wildcard inside anything-but', { s: [{ 'anything-but': { wildcard: ['ok*', 'a**'] } }] }],
    ['a cidr without prefix length', { ip: [{ cidr: '10.0.0.1' }] }],
    ['a cidr with a too long prefix', { ip: [{ cidr: '10.0.0.0/33' }] }],
    ['a cidr with a bad address', { ip: [{ cidr: '10.0.0.300/24' }] }],
    ['$or with a single branch', { $or: [{ a: ['1'] }] }],
    ['$or that is not an array', { $or: { a: ['1'] } }],
    ['$or with a non-object branch', { $or: [{ a: ['1'] }, ['b']] }],
    ['$or with an invalid branch', { $or: [{ a: ['1'] }, { b: 'x' }] }],
  ])('rejects %s', (_name, pattern) => {
    const result = validatePattern(pattern);
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.errors.length).toBeGreaterThan(0);
  });

  it('reports every error with its path', () => {
    const errors = errorsOf({
      detail: { data: { partnerProvinces: 'ZJ' }, n: [{ numeric: ['<', 5, '>', 0] }] },
      source: [],
    });
    expect(errors).toHaveLength(3);
    expect(errors.join('\n')).toContain('detail.data.partnerProvinces');
    expect(errors.join('\n')).toContain('detail.n[0].numeric');
    expect(errors.join('\n')).toContain('source');
  });
});

// ---------------------------------------------------------------------------------------------------
// properties

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const key = fc.constantFrom('a', 'b', 'c', 'detail', 'source', 'x-limit', 'data');
const scalar = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.boolean(),
  fc.constant(null),
);
const { event: jsonEvent } = fc.letrec<{ event: Record<string, Json>; value: Json }>((tie) => ({
  event: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(scalar, { maxLength: 3 }),
    tie('event'),
  ),
}));

/** a pattern that names some of the event's own leaf values (undefined if there is nothing to name) */
function patternFrom(event: Record<string, Json>, pick: number): EventPattern | undefined {
  const pattern: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) {
    if (Array.isArray(v)) {
      if (v.length > 0) pattern[k] = [v[pick % v.length]];
    } else if (v !== null && typeof v === 'object') {
      const sub = patternFrom(v, pick + 1);
      if (sub) pattern[k] = sub;
    } else {
      pattern[k] = [v];
    }
  }
  return Object.keys(pattern).length > 0 ? (pattern as EventPattern) : undefined;
}

const asciiString = fc.string({ unit: 'grapheme-ascii', maxLength: 12 });

describe('properties', () => {
  it('a pattern built from an event’s own leaf values is valid and matches that event', () => {
    fc.assert(
      fc.property(jsonEvent, fc.nat(), (event, pick) => {
        const pattern = patternFrom(event, pick);
        fc.pre(pattern !== undefined);
        expect(validatePattern(pattern)).toEqual({ valid: true });
        expect(matchesPattern(pattern!, event)).toBe(true);
      }),
    );
  });

  it('anything-but [x] is the negation of [x] on a present string field', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (x, value) => {
        const event = { detail: { state: value } };
        expect(matchesPattern({ detail: { state: [{ 'anything-but': [x] }] } }, event)).toBe(
          !matchesPattern({ detail: { state: [x] } }, event),
        );
      }),
    );
  });

  it('prefix "" matches every present string, and every string matches its own prefixes and suffixes', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), (s, cut) => {
        const at = cut % (s.length + 1);
        expect(matchesPattern({ v: [{ prefix: '' }] }, { v: s })).toBe(true);
        expect(matchesPattern({ v: [{ prefix: s.slice(0, at) }] }, { v: s })).toBe(true);
        expect(matchesPattern({ v: [{ suffix: s.slice(at) }] }, { v: s })).toBe(true);
      }),
    );
  });

  it('equals-ignore-case matches any casing of an ASCII string', () => {
    fc.assert(
      fc.property(asciiString, (s) => {
        const pattern: EventPattern = { v: [{ 'equals-ignore-case': s.toLowerCase() }] };
        expect(matchesPattern(pattern, { v: s.toUpperCase() })).toBe(true);
        expect(matchesPattern(pattern, { v: s })).toBe(true);
      }),
    );
  });

  it('a wildcard without stars is exact matching; "*" matches every string', () => {
    fc.assert(
      fc.property(asciiString, asciiString, (w, s) => {
        fc.pre(!w.includes('*') && !w.includes('\\'));
        expect(matchesPattern({ v: [{ wildcard: w }] }, { v: s })).toBe(s === w);
        expect(matchesPattern({ v: [{ wildcard: '*' }] }, { v: s })).toBe(true);
        // ("**" is not a valid wildcard: EventBridge rejects consecutive stars)
        if (w !== '') expect(matchesPattern({ v: [{ wildcard: `*${w}*` }] }, { v: s })).toBe(s.includes(w));
      }),
    );
  });

  it('a numeric range holds exactly for the numbers inside it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.double({ min: -3000, max: 3000, noNaN: true }),
        (low, width, x) => {
          const pattern: EventPattern = { v: [{ numeric: ['>', low, '<=', low + width] }] };
          expect(validatePattern(pattern)).toEqual({ valid: true });
          expect(matchesPattern(pattern, { v: x })).toBe(x > low && x <= low + width);
        },
      ),
    );
  });

  it('an IPv4 address is in its own /32 and in 0.0.0.0/0, and in a /n exactly when the top n bits agree', () => {
    const octets = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
    const toIp = (o: number[]) => o.join('.');
    const toInt = (o: number[]) => o.reduce((acc, b) => acc * 256 + b, 0);
    fc.assert(
      fc.property(octets, octets, fc.integer({ min: 0, max: 32 }), (a, b, n) => {
        expect(matchesPattern({ ip: [{ cidr: `${toIp(a)}/32` }] }, { ip: toIp(a) })).toBe(true);
        expect(matchesPattern({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: toIp(a) })).toBe(true);
        const topBits = (x: number) => Math.floor(x / 2 ** (32 - n));
        expect(matchesPattern({ ip: [{ cidr: `${toIp(a)}/${n}` }] }, { ip: toIp(b) })).toBe(
          topBits(toInt(a)) === topBits(toInt(b)),
        );
      }),
    );
  });
});
