// SPDX-License-Identifier: Apache-2.0
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength, MinLength } from 'class-validator';

const USERNAME = /^[A-Za-z0-9._-]+$/;

export class RegisterDto {
  @ApiProperty({ example: 'vigo-ops', description: '3–64 characters: letters, digits, ".", "_" or "-"' })
  @IsString()
  @Length(3, 64)
  @Matches(USERNAME, { message: 'may contain only letters, digits, ".", "_" and "-"' })
  username!: string;

  @ApiProperty({ example: 'ops@uvigo.example' })
  @IsEmail({}, { message: 'must be a valid email address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ minLength: 10, description: 'At least SATNET_PASSWORD_MIN_LENGTH characters' })
  @IsString()
  @MaxLength(256)
  password!: string;

  @ApiProperty({ example: 'University of Vigo' })
  @IsString()
  @Length(1, 200)
  organisation!: string;
}

export class LoginDto {
  @ApiProperty({ description: 'Username or email address', example: 'vigo-ops' })
  @IsString()
  @Length(1, 254)
  username!: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}

export class UnregisterDto {
  @ApiProperty({ description: 'Your current password, to confirm' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'vigo-gs-client', description: 'A name to tell your keys apart' })
  @IsString()
  @Length(1, 100)
  name!: string;
}

export class ApiKeyIdDto {
  @ApiProperty()
  @IsString()
  @Length(1, 36)
  id!: string;
}

export class UsernameDto {
  @ApiProperty()
  @IsString()
  @Length(1, 64)
  username!: string;
}

export class DenyUserDto extends UsernameDto {
  @ApiProperty({ description: 'Shown to the user in the notice' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class SuspendUserDto extends UsernameDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}

export class ReasonDto {
  @ApiProperty()
  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class OptionalReasonDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}

export class ListUsersDto {
  @ApiPropertyOptional({ enum: ['PENDING', 'ACTIVE', 'DENIED', 'SUSPENDED'] })
  @IsOptional()
  @IsIn(['PENDING', 'ACTIVE', 'DENIED', 'SUSPENDED'])
  status?: 'PENDING' | 'ACTIVE' | 'DENIED' | 'SUSPENDED';
}
